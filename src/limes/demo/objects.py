"""Object alerts: one builder per object type, with makers, models and national formats.

Each builder returns the ``ObjectData`` and a reason fit for it. Makers are real
companies with their world manufacturer identifiers (VIN positions 1-3) where they
have well-known ones; models are their common ones. Nothing here describes a real
stolen object: identifiers are drawn from code spaces (see ``identifiers``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from random import Random
from types import MappingProxyType
from typing import TypeVar

from limes.demo.codes import SpaceExhausted, cumulative, weighted_index
from limes.demo.identifiers import IdentifierFactory
from limes.demo.places import CITIES
from limes.domain.alerts import ObjectAttributes, ObjectData, ObjectIdentifier
from limes.domain.categories import ObjectType
from limes.domain.identifiers import IdentifierKind

_K = IdentifierKind
_T = ObjectType
_V = TypeVar("_V")

# (world manufacturer identifier, make, models)
CARS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("WVW", "Volkswagen", ("Golf", "Passat", "Polo", "Tiguan", "Touareg")),
    ("WBA", "BMW", ("320d", "520d", "X3", "X5", "118i")),
    ("WDD", "Mercedes-Benz", ("C 220 d", "E 300", "A 180", "GLC 300")),
    ("WAU", "Audi", ("A3", "A4", "A6", "Q5", "Q7")),
    ("WP0", "Porsche", ("911", "Cayenne", "Macan")),
    ("VF1", "Renault", ("Clio", "Mégane", "Captur", "Kangoo")),
    ("VF3", "Peugeot", ("208", "308", "3008", "Partner")),
    ("VF7", "Citroën", ("C3", "C4", "Berlingo")),
    ("ZFA", "Fiat", ("Panda", "500", "Tipo", "Ducato")),
    ("ZAR", "Alfa Romeo", ("Giulia", "Stelvio")),
    ("ZFF", "Ferrari", ("Roma", "F8 Tributo")),
    ("TMB", "Škoda", ("Octavia", "Fabia", "Superb", "Kodiaq")),
    ("VSS", "SEAT", ("Ibiza", "Leon", "Ateca")),
    ("YV1", "Volvo", ("XC60", "XC90", "V60")),
    ("SAL", "Land Rover", ("Range Rover", "Discovery", "Defender")),
    ("WF0", "Ford", ("Focus", "Fiesta", "Kuga", "Transit")),
    ("W0L", "Opel", ("Astra", "Corsa", "Insignia")),
    ("UU1", "Dacia", ("Duster", "Sandero", "Logan")),
    ("SJN", "Nissan", ("Qashqai", "Juke")),
    ("JTD", "Toyota", ("Yaris", "Corolla", "RAV4")),
    ("JHM", "Honda", ("Civic", "CR-V", "Jazz")),
    ("KMH", "Hyundai", ("i30", "Tucson", "Kona")),
    ("KNA", "Kia", ("Ceed", "Sportage", "Niro")),
    ("5YJ", "Tesla", ("Model 3", "Model Y", "Model S")),
    ("LRW", "Tesla", ("Model 3", "Model Y")),
    ("1FA", "Ford", ("Mustang",)),
)
TRAILERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("WKE", "Krone", ("Profi Liner", "Cool Liner", "Box Liner")),
    ("WSM", "Schmitz Cargobull", ("S.CS", "S.KO Cool", "S.BO")),
    ("W09", "Humbaur", ("HT 253116", "HBS 203117")),
)
CARAVANS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("W09", "Hobby", ("De Luxe 545 KMF", "Prestige 560 WLU")),
    ("W09", "Knaus", ("Südwind 500 EU", "Sport 460 EU")),
    ("W09", "Fendt-Caravan", ("Bianco 465 SFH",)),
    ("VF9", "Caravelair", ("Antarès 455",)),
)
COLOURS = ("black", "white", "silver", "grey", "blue", "red", "green", "beige", "brown")
# (make, model, calibre, category under Directive (EU) 2021/555, serial shape)
FIREARMS: tuple[tuple[str, str, str, str, str], ...] = (
    ("Glock", "17", "9x19mm", "B", "LLLddd"),
    ("Glock", "19", "9x19mm", "B", "LLLddd"),
    ("Glock", "26", "9x19mm", "B", "LLLddd"),
    ("Walther", "P99", "9x19mm", "B", "LLdddddd"),
    ("Walther", "PPK", "7.65mm Browning", "B", "ddddddL"),
    ("Heckler & Koch", "USP", "9x19mm", "B", "dd-dddddd"),
    ("Heckler & Koch", "MP5", "9x19mm", "A", "dd-dddddd"),
    ("SIG Sauer", "P226", "9x19mm", "B", "LLdddddd"),
    ("Beretta", "92FS", "9x19mm", "B", "LLddddddL"),
    ("Beretta", "686 Silver Pigeon", "12 gauge", "C", "LddddddL"),
    ("CZ", "75 B", "9x19mm", "B", "Lddddd"),
    ("CZ", "Scorpion Evo 3", "9x19mm", "A", "Lddddd"),
    ("Smith & Wesson", "686", "357 Magnum", "B", "LLLdddd"),
    ("Colt", "M1911", "45 ACP", "B", "ddddddLL"),
    ("Kalashnikov", "AK-47", "7.62x39mm", "A", "LLdddd"),
    ("Zastava", "M70", "7.62x39mm", "A", "dddddd"),
    ("Remington", "870", "12 gauge", "B", "LddddddL"),
    ("Mossberg", "500", "12 gauge", "B", "Lddddddd"),
    ("Browning", "B525", "12 gauge", "C", "dddddLLddd"),
    ("Sako", "85", "308 Winchester", "C", "dddddd"),
    ("Steyr", "AUG", "5.56x45mm", "A", "ddLddddd"),
    ("Ruger", "10/22", "22 LR", "C", "dddd-ddddd"),
    ("Makarov", "PM", "9x18mm", "B", "LLdddd"),
)
# (make, model, maker code for the hull identification number, country of the yard)
BOATS: tuple[tuple[str, str, str, str], ...] = (
    ("Bénéteau", "Oceanis 40.1", "BEN", "FR"),
    ("Jeanneau", "Sun Odyssey 410", "JEA", "FR"),
    ("Zodiac", "Medline 7", "ZOD", "FR"),
    ("Bavaria", "C42", "BAV", "DE"),
    ("Hanse", "418", "HAN", "DE"),
    ("Sunseeker", "Manhattan 55", "SUN", "GB"),
    ("Princess", "F45", "PRI", "GB"),
    ("Axopar", "28 Cabin", "AXO", "FI"),
    ("Quicksilver", "Activ 675", "QUI", "PL"),
    ("Sea Ray", "SPX 210", "SER", "US"),
)
BOAT_ENGINES = (
    ("Yamaha", "F150", "LLL-Ldddddd"), ("Mercury", "Verado 300", "ddLdddddd"),
    ("Suzuki", "DF140", "dddddd-dddddd"), ("Honda", "BF100", "LLLL-ddddddd"),
    ("Volvo Penta", "D4-300", "dddddddddd"), ("Tohatsu", "MFS60", "dddddd"),
)  # fmt: skip
AIRCRAFT = (
    ("Cessna", "172S Skyhawk"), ("Piper", "PA-28-181 Archer"), ("Diamond", "DA40 NG"),
    ("Cirrus", "SR22"), ("Robinson", "R44 Raven II"), ("Airbus Helicopters", "H125"),
    ("Pilatus", "PC-12"), ("Beechcraft", "King Air 350"), ("Embraer", "Phenom 300"),
    ("Tecnam", "P2008"), ("Daher", "TBM 940"),
)  # fmt: skip
AIRCRAFT_ENGINES = (
    ("Lycoming", "IO-360-L2A", "L-ddddd-dLA"), ("Continental", "IO-550-N", "dddddd"),
    ("Rotax", "912 ULS", "ddddddd"), ("Pratt & Whitney Canada", "PT6A-67P", "PCE-RLdddd"),
    ("Safran Helicopter Engines", "Arriel 2D", "ddddd"),
)  # fmt: skip
CONTAINER_OWNERS = (
    "MSCU", "MSKU", "MAEU", "CMAU", "HLXU", "CSNU", "EGHU", "ONEU", "TRLU", "TGHU", "SEGU",
    "CAIU", "ZIMU", "YMLU", "HDMU", "OOLU", "APLU", "TCNU", "FCIU", "BMOU",
)  # fmt: skip
CONTAINER_KINDS = (
    "20ft dry container", "40ft dry container", "40ft high cube container",
    "40ft refrigerated container", "20ft tank container",
)  # fmt: skip
PHONES = (
    ("Apple", "iPhone 15"), ("Apple", "iPhone 14 Pro"), ("Samsung", "Galaxy S24"),
    ("Samsung", "Galaxy A54"), ("Xiaomi", "Redmi Note 13"), ("Google", "Pixel 8"),
    ("OnePlus", "12"),
)  # fmt: skip
COMPUTERS = (
    ("Apple", "MacBook Pro 14", "LLLLLddddd"), ("Lenovo", "ThinkPad T14", "PFdddddd"),
    ("Dell", "Latitude 5440", "dLLLddd"), ("HP", "EliteBook 840", "dLLdddddLL"),
    ("Apple", "iPad Air", "LLLLLddddL"), ("Microsoft", "Surface Pro 9", "dddddddddddd"),
)  # fmt: skip
COMPONENTS = (
    "engine", "gearbox", "airbag module", "catalytic converter", "headlamp unit",
    "navigation unit", "turbocharger", "engine control unit", "steering wheel",
)  # fmt: skip
INDUSTRIAL = (
    ("Caterpillar", "320 GC excavator"), ("JCB", "3CX backhoe loader"),
    ("Liebherr", "LTM 1050-3.1 mobile crane"), ("Hilti", "TE 70-ATC rotary hammer"),
    ("Atlas Copco", "XAS 88 compressor"), ("Komatsu", "PC210LC-11 excavator"),
    ("Bobcat", "S70 skid-steer loader"), ("Kubota", "KX057-5 mini excavator"),
    ("Manitou", "MT 1840 telehandler"), ("John Deere", "6R 150 tractor"),
    ("Stihl", "TS 420 cut-off saw"),
)  # fmt: skip
VALUABLES = (
    ("Wristwatch", "Rolex", "Submariner Date"), ("Wristwatch", "Omega", "Speedmaster"),
    ("Wristwatch", "Patek Philippe", "Nautilus"), ("Wristwatch", "Audemars Piguet", "Royal Oak"),
    ("Camera", "Leica", "M11"), ("Camera", "Hasselblad", "X2D 100C"),
    ("Electric bicycle", "Specialized", "Turbo Levo"),
    ("Electric bicycle", "Riese & Müller", "Load 75"), ("Drone", "DJI", "Mavic 3 Pro"),
    ("Handbag", "Hermès", "Birkin 30"),
)  # fmt: skip
# (currency, denominations, serial shape)
BANKNOTES: tuple[tuple[str, tuple[int, ...], str, float], ...] = (
    ("EUR", (5, 10, 20, 50, 100, 200, 500), "LLdddddddddd", 70),
    ("USD", (1, 5, 10, 20, 50, 100), "LLddddddddL", 15),
    ("GBP", (5, 10, 20, 50), "LLdd dddddd", 5),
    ("CHF", (10, 20, 50, 100, 200, 1000), "ddLddddddd", 5),
    ("PLN", (10, 20, 50, 100, 200, 500), "LL ddddddd", 5),
)
BLANK_TYPES = (
    "passport", "id_card", "residence_permit", "driving_licence", "visa_sticker",
    "registration_certificate",
)  # fmt: skip
ISSUED_TYPES = ("passport", "id_card", "residence_permit", "driving_licence", "travel_document")
ISSUED_WEIGHTS = (40, 35, 10, 12, 3)
PAYMENT_TYPES = ("cheque", "payment card", "bond", "share certificate", "traveller's cheque")

_SEIZE = {
    "default": (
        "Stolen on {d} in {city}",
        "Stolen on {d} in {city} during a burglary",
        "Misappropriated on {d} (rental or leasing fraud)",
        "Taken in an armed robbery on {d} in {city}",
    ),
    "document": (
        "Reported stolen on {d} in {city}",
        "Reported lost on {d}",
        "Invalidated by the issuing authority on {d}",
        "Obtained by fraud; invalidated on {d}",
    ),
    "blank": ("Blank documents stolen from a production site on {d}",
              "Blank documents stolen in transit on {d}"),
    "firearm": (
        "Stolen from a licensed holder on {d} in {city}",
        "Lost by a licensed holder on {d}",
        "Used in an armed robbery on {d} in {city}",
    ),
    "banknote": (
        "Counterfeit detected on {d} in {city}",
        "Registered banknote from a ransom payment on {d}",
        "Stolen in a cash-in-transit robbery on {d} in {city}",
    ),
    "plate": ("Plate stolen on {d} in {city}", "Plate reported lost on {d}"),
}  # fmt: skip
_CHECK = (
    "Suspected of use in organised drug trafficking",
    "Used by a suspected people-smuggling network",
    "Linked to an investigation into money laundering",
    "Suspected of use in serious crime",
)


class ObjectFactory:
    """Builds the object part of object alerts (see the module docstring)."""

    def __init__(self, rng: Random, ids: IdentifierFactory, reference: date) -> None:
        self.rng = rng
        self.ids = ids
        self.reference = reference
        self._banknote_weights = cumulative([b[3] for b in BANKNOTES])
        self._issued_weights = cumulative(ISSUED_WEIGHTS)
        self.builders: Mapping[ObjectType, Callable[[str], ObjectData]] = MappingProxyType(
            {
                _T.MOTOR_VEHICLE: self.motor_vehicle,
                _T.TRAILER: self.trailer,
                _T.CARAVAN: self.caravan,
                _T.BOAT: self.boat,
                _T.BOAT_ENGINE: self.boat_engine,
                _T.CONTAINER: self.container,
                _T.AIRCRAFT: self.aircraft,
                _T.AIRCRAFT_ENGINE: self.aircraft_engine,
                _T.FIREARM: self.firearm,
                _T.BLANK_DOCUMENT: self.blank_document,
                _T.ISSUED_DOCUMENT: self.issued_document,
                _T.REGISTRATION_CERTIFICATE: self.registration_certificate,
                _T.NUMBER_PLATE: self.number_plate,
                _T.BANKNOTE: self.banknote,
                _T.MEANS_OF_PAYMENT: self.means_of_payment,
                _T.IT_EQUIPMENT: self.it_equipment,
                _T.VEHICLE_COMPONENT: self.vehicle_component,
                _T.INDUSTRIAL_EQUIPMENT: self.industrial_equipment,
                _T.HIGH_VALUE_OBJECT: self.high_value_object,
            }
        )

    # -- helpers ---------------------------------------------------------------------

    def _pick(self, items: tuple[_V, ...]) -> _V:
        return items[int(self.rng.random() * len(items))]

    def _year(self) -> int:
        return 2005 + int(self.rng.random() * 21)

    def _plate_country(self, state: str) -> str:
        """Mostly the issuing state's own plates; sometimes a neighbour's."""
        if self.rng.random() < 0.85:
            return state
        return self._pick(_PLATE_STATES)

    def reason(self, object_type: ObjectType, state: str, check: bool) -> str:
        if check:
            return self._pick(_CHECK)
        family = _REASON_FAMILY.get(object_type, "default")
        template = self._pick(_SEIZE[family])
        when = self.reference - timedelta(days=1 + int(self.rng.random() * 1800))
        return template.format(d=when.isoformat(), city=self._pick(CITIES[state]))

    # -- vehicles --------------------------------------------------------------------

    def _road_vehicle(
        self,
        object_type: ObjectType,
        makers: tuple[tuple[str, str, tuple[str, ...]], ...],
        state: str,
    ) -> ObjectData:
        rng = self.rng
        weight = object_type is _T.TRAILER
        wmi, make, models = self._pick(makers)
        idents = [ObjectIdentifier(_K.VIN, self.ids.vin(wmi, self._year()))]
        if rng.random() < 0.7:
            country = self._plate_country(state)
            idents.append(ObjectIdentifier(_K.PLATE, self.ids.plate(country), country))
        if not weight and rng.random() < 0.2:
            idents.append(ObjectIdentifier(_K.ENGINE_NUMBER, self.ids.engine_number("LLLdddddd")))
        attributes = ObjectAttributes(
            make=make,
            model=self._pick(models),
            colour=self._pick(COLOURS),
            unladen_weight_kg=800 + int(rng.random() * 12_000) if weight else None,
        )
        return ObjectData(object_type, tuple(idents), attributes)

    def motor_vehicle(self, state: str) -> ObjectData:
        return self._road_vehicle(_T.MOTOR_VEHICLE, CARS, state)

    def trailer(self, state: str) -> ObjectData:
        return self._road_vehicle(_T.TRAILER, TRAILERS, state)

    def caravan(self, state: str) -> ObjectData:
        return self._road_vehicle(_T.CARAVAN, CARAVANS, state)

    def number_plate(self, state: str) -> ObjectData:
        country = self._plate_country(state)
        return ObjectData(
            _T.NUMBER_PLATE, (ObjectIdentifier(_K.PLATE, self.ids.plate(country), country),)
        )

    def registration_certificate(self, state: str) -> ObjectData:
        idents = [
            ObjectIdentifier(_K.DOCUMENT_NUMBER, self.ids.registration_certificate(state), state)
        ]
        if self.rng.random() < 0.5:
            wmi, _, _ = self._pick(CARS)
            idents.append(ObjectIdentifier(_K.VIN, self.ids.vin(wmi, self._year())))
        return ObjectData(_T.REGISTRATION_CERTIFICATE, tuple(idents))

    def vehicle_component(self, state: str) -> ObjectData:
        wmi, make, _ = self._pick(CARS)
        component = self._pick(COMPONENTS)
        if component == "engine":
            idents = [ObjectIdentifier(_K.ENGINE_NUMBER, self.ids.engine_number("LLLdddddd"))]
        else:
            idents = [ObjectIdentifier(_K.SERIAL, self.ids.serial("dddLLdddddd"))]
        if self.rng.random() < 0.3:
            idents.append(ObjectIdentifier(_K.VIN, self.ids.vin(wmi, self._year())))
        attributes = ObjectAttributes(make=make, component_type=component)
        return ObjectData(_T.VEHICLE_COMPONENT, tuple(idents), attributes)

    # -- watercraft, aircraft, containers ------------------------------------------------

    def boat(self, state: str) -> ObjectData:
        make, model, code, yard = self._pick(BOATS)
        hin = self.ids.hull_id(yard, code, self._year())
        attributes = ObjectAttributes(
            make=make, model=model, colour=self._pick(("white", "blue", "grey"))
        )
        return ObjectData(_T.BOAT, (ObjectIdentifier(_K.HULL_ID, hin),), attributes)

    def boat_engine(self, state: str) -> ObjectData:
        make, model, shape = self._pick(BOAT_ENGINES)
        ident = ObjectIdentifier(_K.ENGINE_NUMBER, self.ids.engine_number(shape))
        return ObjectData(_T.BOAT_ENGINE, (ident,), ObjectAttributes(make=make, model=model))

    def aircraft(self, state: str) -> ObjectData:
        country = state if self.rng.random() < 0.9 else "US"
        make, model = self._pick(AIRCRAFT)
        try:
            registration = self.ids.aircraft_registration(country)
        except SpaceExhausted:  # a small register (Austria's OE-Kxx has 676 marks) is full
            country = "US"
            registration = self.ids.aircraft_registration(country)
        idents = [ObjectIdentifier(_K.AIRCRAFT_REGISTRATION, registration, country)]
        if self.rng.random() < 0.5:
            idents.append(ObjectIdentifier(_K.SERIAL, self.ids.serial("ddddd")))
        return ObjectData(_T.AIRCRAFT, tuple(idents), ObjectAttributes(make=make, model=model))

    def aircraft_engine(self, state: str) -> ObjectData:
        make, model, shape = self._pick(AIRCRAFT_ENGINES)
        ident = ObjectIdentifier(_K.ENGINE_NUMBER, self.ids.engine_number(shape))
        return ObjectData(_T.AIRCRAFT_ENGINE, (ident,), ObjectAttributes(make=make, model=model))

    def container(self, state: str) -> ObjectData:
        number = self.ids.container_number(self._pick(CONTAINER_OWNERS))
        attributes = ObjectAttributes(description=self._pick(CONTAINER_KINDS))
        return ObjectData(
            _T.CONTAINER, (ObjectIdentifier(_K.CONTAINER_NUMBER, number),), attributes
        )

    # -- firearms, documents, money --------------------------------------------------------

    def firearm(self, state: str) -> ObjectData:
        make, model, calibre, category, shape = self._pick(FIREARMS)
        ident = ObjectIdentifier(_K.FIREARM_SERIAL, self.ids.firearm_serial(shape))
        attributes = ObjectAttributes(
            make=make, model=model, calibre=calibre, firearm_category=category
        )
        return ObjectData(_T.FIREARM, (ident,), attributes)

    def _document_number(self, document_type: str, country: str) -> str:
        if document_type == "driving_licence":
            return self.ids.licence(country)
        if document_type == "registration_certificate":
            return self.ids.registration_certificate(country)
        return self.ids.travel_document(country)[0]

    def issued_document(self, state: str) -> ObjectData:
        document_type = ISSUED_TYPES[weighted_index(self.rng, self._issued_weights)]
        number = self._document_number(document_type, state)
        ident = ObjectIdentifier(_K.DOCUMENT_NUMBER, number, state)
        return ObjectData(
            _T.ISSUED_DOCUMENT, (ident,), ObjectAttributes(document_type=document_type)
        )

    def blank_document(self, state: str) -> ObjectData:
        document_type = self._pick(BLANK_TYPES)
        number = self._document_number(document_type, state)
        ident = ObjectIdentifier(_K.DOCUMENT_NUMBER, number, state)
        return ObjectData(
            _T.BLANK_DOCUMENT, (ident,), ObjectAttributes(document_type=document_type)
        )

    def banknote(self, state: str) -> ObjectData:
        currency, denominations, shape, _ = BANKNOTES[
            weighted_index(self.rng, self._banknote_weights)
        ]
        ident = ObjectIdentifier(_K.BANKNOTE_SERIAL, self.ids.banknote_serial(shape))
        attributes = ObjectAttributes(currency=currency, denomination=self._pick(denominations))
        return ObjectData(_T.BANKNOTE, (ident,), attributes)

    def means_of_payment(self, state: str) -> ObjectData:
        payment_type = self._pick(PAYMENT_TYPES)
        idents: tuple[ObjectIdentifier, ...]
        if payment_type == "cheque":
            idents = (
                ObjectIdentifier(_K.IBAN, self.ids.iban(state)),
                ObjectIdentifier(_K.SERIAL, self.ids.serial("ddddddd")),
            )
        elif payment_type == "payment card":
            idents = (ObjectIdentifier(_K.SERIAL, self.ids.card_number()),)
        elif payment_type in ("bond", "share certificate"):
            idents = (ObjectIdentifier(_K.SERIAL, self.ids.isin(self._pick(_ISIN_COUNTRIES))),)
        else:
            idents = (ObjectIdentifier(_K.SERIAL, self.ids.serial("LLdddddddd")),)
        currency = "EUR" if payment_type != "payment card" else None
        attributes = ObjectAttributes(payment_type=payment_type, currency=currency)
        return ObjectData(_T.MEANS_OF_PAYMENT, idents, attributes)

    # -- other objects -------------------------------------------------------------------

    def it_equipment(self, state: str) -> ObjectData:
        if self.rng.random() < 0.6:
            make, model = self._pick(PHONES)
            ident = ObjectIdentifier(_K.IMEI, self.ids.imei())
        else:
            make, model, shape = self._pick(COMPUTERS)
            ident = ObjectIdentifier(_K.SERIAL, self.ids.serial(shape))
        attributes = ObjectAttributes(make=make, model=model, colour=self._pick(COLOURS[:4]))
        return ObjectData(_T.IT_EQUIPMENT, (ident,), attributes)

    def industrial_equipment(self, state: str) -> ObjectData:
        make, model = self._pick(INDUSTRIAL)
        ident = ObjectIdentifier(_K.SERIAL, self.ids.serial("LLLdddddddd"))
        return ObjectData(
            _T.INDUSTRIAL_EQUIPMENT, (ident,), ObjectAttributes(make=make, model=model)
        )

    def high_value_object(self, state: str) -> ObjectData:
        kind, make, model = self._pick(VALUABLES)
        ident = ObjectIdentifier(_K.SERIAL, self.ids.serial("LddddddLL"))
        attributes = ObjectAttributes(description=f"{kind}, {make} {model}", make=make, model=model)
        return ObjectData(_T.HIGH_VALUE_OBJECT, (ident,), attributes)


_REASON_FAMILY: Mapping[ObjectType, str] = MappingProxyType(
    {
        _T.ISSUED_DOCUMENT: "document",
        _T.REGISTRATION_CERTIFICATE: "document",
        _T.BLANK_DOCUMENT: "blank",
        _T.FIREARM: "firearm",
        _T.BANKNOTE: "banknote",
        _T.NUMBER_PLATE: "plate",
    }
)
_PLATE_STATES = ("DE", "FR", "IT", "ES", "NL", "PL", "BE", "AT", "CZ", "RO", "BG", "GR", "LT")
_ISIN_COUNTRIES = ("DE", "FR", "NL", "IT", "ES", "LU", "IE", "AT", "BE")
