// The agent console's keys: N takes the next account; a result's digit
// chooses that result. A result that needs nothing more is recorded at
// once; one that needs a promise or a reason opens its fields, and Enter
// in them records it.
(function () {
  "use strict";

  const form = document.getElementById("result-form");

  function typing(target) {
    const tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" ||
      target.isContentEditable;
  }

  function show(element, visible) {
    if (element) element.hidden = !visible;
  }

  function choose(button) {
    form.querySelector("#result-code").value = button.dataset.code;
    form.querySelectorAll("button.code").forEach(function (other) {
      other.setAttribute("aria-pressed", String(other === button));
    });
    document.getElementById("chosen-code").textContent = button.textContent.trim();

    const promise = document.getElementById("promise-fields");
    const reason = document.getElementById("reason-fields");
    const needsPromise = Boolean(button.dataset.needsPromise);
    const needsReason = Boolean(button.dataset.needsReason);
    show(promise, needsPromise);
    show(reason, needsReason);
    if (needsPromise) {
      document.getElementById("id_promise_amount").focus();
      return;
    }
    if (needsReason) {
      document.getElementById("id_reason").focus();
      return;
    }
    const contact = form.querySelector("input[name=contact_point]:checked");
    if (button.dataset.needsContact && (!contact || !contact.value)) {
      const first = form.querySelector("input[name=contact_point]:not([value=''])");
      if (first) first.focus();
      return;
    }
    form.requestSubmit();
  }

  if (form) {
    form.addEventListener("click", function (event) {
      const button = event.target.closest("button.code");
      if (button) choose(button);
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target)) {
      return;
    }
    if (event.key === "n" || event.key === "N") {
      const next = document.querySelector("button[data-key=n]");
      if (next) {
        event.preventDefault();
        next.click();
      }
      return;
    }
    if (form && /^[0-9]$/.test(event.key)) {
      const button = form.querySelector(
        "button.code[data-shortcut='" + event.key + "']"
      );
      if (button) {
        event.preventDefault();
        choose(button);
      }
    }
  });
})();
