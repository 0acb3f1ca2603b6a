"""Synthetic Argentine debtors for the demo portfolio.

The UCI data set has no names or contact data. Every row gets a person made
up from Faker's ``es_AR`` names (with Faker's weights) and the tables below,
drawn with a random generator seeded by the row number: a row always gets
the same person, whatever else is converted with it. Drawing from the
vocabulary directly, rather than through Faker's per-call machinery, keeps
30,000 rows under two seconds. A few per cent of the values are written
wrong on purpose, the way real creditor files are, so that the import
report has real warnings to show.
"""

import itertools
import random
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from faker import Faker

# Added to the row number so that the demo's people are not the ones any
# other use of Faker seeded with small integers would give.
SEED_OFFSET = 2005_09_30_000
T = TypeVar("T")


class Defect(StrEnum):
    """A value written wrong on purpose; the import should warn about it."""

    CUIT_CHECK_DIGIT = "cuit_check_digit"
    DNI_ONLY = "dni_only"
    MOBILE_WITH_9_AND_15 = "mobile_with_9_and_15"
    LANDLINE_TRUNK_IN_PARENTHESES = "landline_trunk_in_parentheses"
    PHONE_WITHOUT_AREA_CODE = "phone_without_area_code"
    EMAIL_WITHOUT_TLD = "email_without_tld"
    EMAIL_DOUBLE_AT = "email_double_at"
    EMAIL_MISTYPED_DOMAIN = "email_mistyped_domain"


# Share of rows with each defect. Bands of one draw, so that a row has at
# most one identity defect, one landline, one mobile and one e-mail defect.
CUIT_CHECK_DIGIT_RATE = 0.015
DNI_ONLY_RATE = 0.015
MOBILE_WITH_9_AND_15_RATE = 0.015
LANDLINE_TRUNK_IN_PARENTHESES_RATE = 0.02
PHONE_WITHOUT_AREA_CODE_RATE = 0.01  # of landlines and of mobiles alike
EMAIL_WITHOUT_TLD_RATE = 0.015
EMAIL_DOUBLE_AT_RATE = 0.015
EMAIL_MISTYPED_DOMAIN_RATE = 0.02

WITHOUT_LANDLINE_RATE = 0.30
WITHOUT_MOBILE_RATE = 0.06
WITHOUT_EMAIL_RATE = 0.12


@dataclass(frozen=True)
class Locality:
    city: str
    province: str
    area_code: str
    postal_code: str
    weight: int


CABA = "Ciudad Autónoma de Buenos Aires"
BUENOS_AIRES = "Buenos Aires"

# Where the debtors live, weighted roughly by population. Every area code
# here takes subscriber numbers starting with 4 for landlines and mobiles
# alike (checked against libphonenumber's metadata by the tests).
LOCALITIES = (
    Locality("Palermo", CABA, "11", "1414", 30),
    Locality("Caballito", CABA, "11", "1405", 25),
    Locality("Flores", CABA, "11", "1406", 20),
    Locality("Belgrano", CABA, "11", "1428", 20),
    Locality("Almagro", CABA, "11", "1179", 15),
    Locality("Villa Urquiza", CABA, "11", "1431", 15),
    Locality("Balvanera", CABA, "11", "1215", 15),
    Locality("Mataderos", CABA, "11", "1440", 10),
    Locality("La Matanza", BUENOS_AIRES, "11", "1754", 45),
    Locality("Quilmes", BUENOS_AIRES, "11", "1878", 25),
    Locality("Lanús", BUENOS_AIRES, "11", "1824", 20),
    Locality("Lomas de Zamora", BUENOS_AIRES, "11", "1832", 25),
    Locality("Morón", BUENOS_AIRES, "11", "1708", 15),
    Locality("Avellaneda", BUENOS_AIRES, "11", "1870", 15),
    Locality("San Isidro", BUENOS_AIRES, "11", "1642", 12),
    Locality("Tigre", BUENOS_AIRES, "11", "1648", 15),
    Locality("Merlo", BUENOS_AIRES, "11", "1722", 15),
    Locality("Moreno", BUENOS_AIRES, "11", "1744", 12),
    Locality("San Miguel", BUENOS_AIRES, "11", "1663", 10),
    Locality("Florencio Varela", BUENOS_AIRES, "11", "1888", 12),
    Locality("Berazategui", BUENOS_AIRES, "11", "1884", 10),
    Locality("La Plata", BUENOS_AIRES, "221", "1900", 20),
    Locality("Mar del Plata", BUENOS_AIRES, "223", "7600", 18),
    Locality("Bahía Blanca", BUENOS_AIRES, "291", "8000", 10),
    Locality("Tandil", BUENOS_AIRES, "249", "7000", 4),
    Locality("Junín", BUENOS_AIRES, "236", "6000", 3),
    Locality("Olavarría", BUENOS_AIRES, "2284", "7400", 3),
    Locality("Luján", BUENOS_AIRES, "2323", "6700", 3),
    Locality("Necochea", BUENOS_AIRES, "2262", "7630", 2),
    Locality("Córdoba", "Córdoba", "351", "5000", 40),
    Locality("Río Cuarto", "Córdoba", "358", "5800", 5),
    Locality("Villa María", "Córdoba", "353", "5900", 3),
    Locality("San Francisco", "Córdoba", "3564", "2400", 2),
    Locality("Rosario", "Santa Fe", "341", "2000", 30),
    Locality("Santa Fe", "Santa Fe", "342", "3000", 12),
    Locality("Rafaela", "Santa Fe", "3492", "2300", 3),
    Locality("Mendoza", "Mendoza", "261", "5500", 25),
    Locality("San Rafael", "Mendoza", "260", "5600", 4),
    Locality("San Miguel de Tucumán", "Tucumán", "381", "4000", 20),
    Locality("Salta", "Salta", "387", "4400", 15),
    Locality("San Salvador de Jujuy", "Jujuy", "388", "4600", 7),
    Locality("Corrientes", "Corrientes", "379", "3400", 8),
    Locality("Resistencia", "Chaco", "362", "3500", 8),
    Locality("Posadas", "Misiones", "376", "3300", 8),
    Locality("Paraná", "Entre Ríos", "343", "3100", 7),
    Locality("Concordia", "Entre Ríos", "345", "3200", 4),
    Locality("Neuquén", "Neuquén", "299", "8300", 9),
    Locality("San Carlos de Bariloche", "Río Negro", "294", "8400", 3),
    Locality("Viedma", "Río Negro", "2920", "8500", 2),
    Locality("Comodoro Rivadavia", "Chubut", "297", "9000", 4),
    Locality("Trelew", "Chubut", "280", "9100", 3),
    Locality("Río Gallegos", "Santa Cruz", "2966", "9400", 2),
    Locality("Santa Rosa", "La Pampa", "2954", "6300", 3),
    Locality("San Juan", "San Juan", "264", "5400", 9),
    Locality("San Luis", "San Luis", "266", "5700", 4),
    Locality("Santiago del Estero", "Santiago del Estero", "385", "4200", 6),
    Locality("San Fernando del Valle de Catamarca", "Catamarca", "383", "4700", 4),
    Locality("La Rioja", "La Rioja", "380", "5300", 3),
    Locality("Formosa", "Formosa", "370", "3600", 4),
    Locality("Ushuaia", "Tierra del Fuego", "2901", "9410", 2),
)

STREETS = (
    "San Martín", "Belgrano", "Rivadavia", "Sarmiento", "Mitre", "Moreno",
    "25 de Mayo", "9 de Julio", "Av. Corrientes", "Urquiza", "Alem", "Güemes",
    "Lavalle", "Tucumán", "Entre Ríos", "Av. Santa Fe", "Italia", "España",
    "Independencia", "Colón", "Av. del Libertador", "Pellegrini", "Alsina",
    "Almirante Brown", "Dorrego", "Saavedra", "Castelli", "Las Heras",
    "Pueyrredón", "Hipólito Yrigoyen", "Av. Perón", "Alberdi", "Roca",
    "Av. de Mayo", "Maipú", "Chacabuco", "Lamadrid", "French",
    "Rodríguez Peña", "Av. Mitre", "Catamarca", "Bolívar", "Laprida",
    "Gral. Paz", "Avellaneda", "Ituzaingó", "Caseros", "Estados Unidos",
)  # fmt: skip

# Surnames that put Windows-1252 to the test: Ñ, accents and the curly
# apostrophe (0x92), which Latin-1 would turn into a control character.
TESTING_SURNAMES = (
    "D’Angelo", "D’Alessandro", "D’Amico", "O’Farrell", "O’Gorman",
    "Núñez", "Ibáñez", "Muñoz", "Peñaloza", "Zúñiga", "Acuña", "Báez",
)  # fmt: skip
TESTING_SURNAME_RATE = 0.01

EMAIL_DOMAINS = (
    ("gmail.com", 30), ("hotmail.com", 30), ("yahoo.com.ar", 14),
    ("outlook.com", 5), ("live.com.ar", 4), ("fibertel.com.ar", 5),
    ("arnet.com.ar", 5), ("speedy.com.ar", 4), ("ciudad.com.ar", 3),
)  # fmt: skip
MISTYPED_DOMAINS = ("gmial.com", "hotmial.com", "gmail.con", "yahooo.com.ar")

CUIT_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

# Millions of the DNI numbers given out around each year of birth, so that
# a 70-year-old has a 7-digit DNI and a 25-year-old one near 30 million.
DNI_MILLIONS_BY_BIRTH_YEAR = (
    (1925, 2), (1940, 4), (1950, 7), (1960, 13), (1970, 21), (1980, 28),
    (1990, 35),
)  # fmt: skip
STATEMENT_YEAR = 2005


@dataclass(frozen=True)
class SyntheticDebtor:
    name: str
    tax_id: str
    phone: str
    mobile: str
    email: str
    street: str
    city: str
    province: str
    postal_code: str
    defects: tuple[Defect, ...]


def cuit_check_digit(first_ten: str) -> int:
    """Return the check digit of a CUIT/CUIL; 10 means the prefix must change."""
    total = sum(
        int(digit) * weight
        for digit, weight in zip(first_ten, CUIT_WEIGHTS, strict=True)
    )
    return (11 - total % 11) % 11


def make_cuil(dni: int, *, is_female: bool) -> str:
    """Return the 11 digits of a person's CUIL.

    When 20 or 27 would need the check digit 10, AFIP gives the prefix 23
    instead, as it does for real people.
    """
    body = f"{dni:08d}"
    prefix = "27" if is_female else "20"
    check = cuit_check_digit(prefix + body)
    if check == 10:
        prefix = "23"
        check = cuit_check_digit(prefix + body)
    return f"{prefix}{body}{check}"


def make_dni(row_id: int, age: int) -> int:
    """Return a DNI plausible for the age and different for every row.

    The millions come from the year of birth; the rest is the row number
    times a prime modulo a million, which never repeats below a million
    rows.
    """
    millions = _interpolate(DNI_MILLIONS_BY_BIRTH_YEAR, STATEMENT_YEAR - age)
    return millions * 1_000_000 + (row_id * 7919 + 104_729) % 1_000_000


def _interpolate(points: tuple[tuple[int, int], ...], x: int) -> int:
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x <= x1:
            return round(y0 + (y1 - y0) * (x - x0) / (x1 - x0))
    return points[-1][1]


class DebtorMaker:
    """Make the synthetic debtor of a row; one instance serves a whole file."""

    def __init__(self) -> None:
        person = _person_provider(Faker("es_AR"))
        self.male_names = WeightedChoice(person.first_names_male)
        self.female_names = WeightedChoice(person.first_names_female)
        self.surnames = WeightedChoice(person.last_names)
        self.localities = WeightedChoice({loc: loc.weight for loc in LOCALITIES})
        self.domains = WeightedChoice(dict(EMAIL_DOMAINS))
        self.rng = random.Random()

    def make(self, row_id: int, *, is_female: bool, age: int) -> SyntheticDebtor:
        rng = self.rng
        rng.seed(SEED_OFFSET + row_id)
        defects: list[Defect] = []

        first_names, surnames = self._names(rng, is_female)
        dni = make_dni(row_id, age)
        tax_id = self._tax_id(rng, dni, is_female, defects)
        locality = self.localities.pick(rng)
        phone = self._landline(rng, locality.area_code, defects)
        mobile = self._mobile(rng, locality.area_code, defects)
        email = self._email(rng, first_names[0], surnames[0], defects)
        return SyntheticDebtor(
            name=f"{' '.join(surnames)}, {' '.join(first_names)}".upper(),
            tax_id=tax_id,
            phone=phone,
            mobile=mobile,
            email=email,
            street=self._street(rng),
            city=locality.city,
            province=locality.province,
            postal_code=locality.postal_code,
            defects=tuple(defects),
        )

    def _names(
        self, rng: random.Random, is_female: bool
    ) -> tuple[list[str], list[str]]:
        given_names = self.female_names if is_female else self.male_names
        first_names = [given_names.pick(rng)]
        if rng.random() < 0.4:
            second = given_names.pick(rng)
            if second != first_names[0]:
                first_names.append(second)
        surnames = [self.surnames.pick(rng)]
        if rng.random() < TESTING_SURNAME_RATE:
            surnames = [rng.choice(TESTING_SURNAMES)]
        if rng.random() < 0.25:
            surnames.append(self.surnames.pick(rng))
        return first_names, surnames

    def _tax_id(
        self, rng: random.Random, dni: int, is_female: bool, defects: list[Defect]
    ) -> str:
        cuil = make_cuil(dni, is_female=is_female)
        draw = rng.random()
        if draw < CUIT_CHECK_DIGIT_RATE:
            defects.append(Defect.CUIT_CHECK_DIGIT)
            wrong = (int(cuil[10]) + rng.randint(1, 9)) % 10
            cuil = f"{cuil[:10]}{wrong}"
        elif draw < CUIT_CHECK_DIGIT_RATE + DNI_ONLY_RATE:
            defects.append(Defect.DNI_ONLY)
            return f"{dni:,}".replace(",", ".") if rng.random() < 0.5 else str(dni)
        if rng.random() < 0.25:
            return cuil
        return f"{cuil[:2]}-{cuil[2:10]}-{cuil[10]}"

    def _landline(self, rng: random.Random, area: str, defects: list[Defect]) -> str:
        head, tail = _subscriber(rng, area, first_digits="4")
        draw = rng.random()
        if draw < WITHOUT_LANDLINE_RATE:
            return ""
        draw -= WITHOUT_LANDLINE_RATE
        if draw < LANDLINE_TRUNK_IN_PARENTHESES_RATE:
            defects.append(Defect.LANDLINE_TRUNK_IN_PARENTHESES)
            return f"(0{area}) {head}-{tail}"
        draw -= LANDLINE_TRUNK_IN_PARENTHESES_RATE
        if draw < PHONE_WITHOUT_AREA_CODE_RATE:
            defects.append(Defect.PHONE_WITHOUT_AREA_CODE)
            return f"{head}-{tail}"
        written = rng.choice(LANDLINE_FORMATS)
        return written.format(area=area, head=head, tail=tail)

    def _mobile(self, rng: random.Random, area: str, defects: list[Defect]) -> str:
        head, tail = _subscriber(
            rng, area, first_digits="23456" if area == "11" else "4"
        )
        draw = rng.random()
        if draw < WITHOUT_MOBILE_RATE:
            return ""
        draw -= WITHOUT_MOBILE_RATE
        if draw < MOBILE_WITH_9_AND_15_RATE:
            defects.append(Defect.MOBILE_WITH_9_AND_15)
            return f"54 9 {area} 15 {head} {tail}"
        draw -= MOBILE_WITH_9_AND_15_RATE
        if draw < PHONE_WITHOUT_AREA_CODE_RATE:
            defects.append(Defect.PHONE_WITHOUT_AREA_CODE)
            return f"15-{head}-{tail}"
        written = rng.choice(MOBILE_FORMATS)
        return written.format(area=area, head=head, tail=tail)

    def _email(
        self, rng: random.Random, first_name: str, surname: str, defects: list[Defect]
    ) -> str:
        first, last = _mailbox_word(first_name), _mailbox_word(surname)
        user = rng.choice(MAILBOX_FORMATS).format(
            first=first, last=last, initial=first[0], number=rng.randint(1, 99)
        )
        domain = self.domains.pick(rng)
        draw = rng.random()
        if draw < WITHOUT_EMAIL_RATE:
            return ""
        draw -= WITHOUT_EMAIL_RATE
        if draw < EMAIL_WITHOUT_TLD_RATE:
            defects.append(Defect.EMAIL_WITHOUT_TLD)
            return f"{user}@{domain.split('.')[0]}"
        draw -= EMAIL_WITHOUT_TLD_RATE
        if draw < EMAIL_DOUBLE_AT_RATE:
            defects.append(Defect.EMAIL_DOUBLE_AT)
            return f"{user}@@{domain}"
        draw -= EMAIL_DOUBLE_AT_RATE
        if draw < EMAIL_MISTYPED_DOMAIN_RATE:
            defects.append(Defect.EMAIL_MISTYPED_DOMAIN)
            return f"{user}@{rng.choice(MISTYPED_DOMAINS)}"
        return f"{user}@{domain}"

    def _street(self, rng: random.Random) -> str:
        number = rng.randint(1, 99) if rng.random() < 0.2 else rng.randint(100, 5999)
        street = f"{rng.choice(STREETS)} {number}"
        if rng.random() < 0.2:
            street += f" Piso {rng.randint(1, 14)} Dto. {rng.choice('ABCDEF')}"
        return street


# The ways people in Argentina write a number, all of them correct.
LANDLINE_FORMATS = (
    "0{area} {head}-{tail}",
    "0{area} {head}-{tail}",
    "0{area}-{head}{tail}",
    "{area} {head}{tail}",
    "{area}-{head}-{tail}",
    "+54 {area} {head}-{tail}",
)
MOBILE_FORMATS = (
    "0{area} 15 {head}-{tail}",
    "0{area} 15 {head}-{tail}",
    "{area} 15 {head} {tail}",
    "{area}-15-{head}-{tail}",
    "+54 9 {area} {head}-{tail}",
    "+54 9 {area} {head}-{tail}",
    "549{area}{head}{tail}",
)
MAILBOX_FORMATS = (
    "{first}.{last}",
    "{first}.{last}",
    "{first}{last}",
    "{initial}{last}",
    "{first}_{last}",
    "{last}.{first}",
    "{first}.{last}{number}",
    "{initial}{last}{number}",
)


def _subscriber(rng: random.Random, area: str, *, first_digits: str) -> tuple[str, str]:
    """Return a subscriber number as written: head and the last four digits.

    The national number has ten digits, so the subscriber has 8, 7 or 6
    digits after an area code of 2, 3 or 4. A ``15`` early in the number
    is avoided: after ``0358 4`` it would read as the mobile prefix of the
    area code 3584, a real ambiguity of Argentine numbers that the demo
    does not mean to plant.
    """
    length = 10 - len(area)
    while True:
        rest = rng.randrange(10 ** (length - 1))
        digits = f"{rng.choice(first_digits)}{rest:0{length - 1}d}"
        if "15" not in digits[:4]:
            return digits[:-4], digits[-4:]


def _mailbox_word(name: str) -> str:
    """Return a name as it goes in a mailbox: lower case, no accents or spaces."""
    plain = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in plain.lower() if ch.isascii() and ch.isalnum())


class WeightedChoice(Generic[T]):
    """Draw from weighted values, as Faker does, without its per-call cost."""

    def __init__(self, weights: Mapping[T, float]) -> None:
        self.values = tuple(weights)
        self.cumulative = tuple(itertools.accumulate(weights.values()))

    def pick(self, rng: random.Random) -> T:
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


def _person_provider(fake: Faker) -> Any:
    """Return the provider holding Faker's weighted es_AR first and last names."""
    for provider in fake.get_providers():
        if hasattr(provider, "first_names_male") and hasattr(provider, "last_names"):
            return provider
    raise LookupError("Faker es_AR has no person provider")
