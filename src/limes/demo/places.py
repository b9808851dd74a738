"""Where demo alerts come from: member-state weights, cities, authorities and courts.

The figures are illustrative, not statistics: they give the large member states more
alerts than the small ones, as in the real system, and every member state some.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# Relative share of alerts each member state issues.
ISSUING_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "IT": 14, "DE": 12, "FR": 12, "ES": 7, "PL": 5, "NL": 4, "BE": 3, "AT": 3, "SE": 3,
        "GR": 3, "RO": 3, "CH": 3, "CZ": 2, "PT": 2, "HU": 2, "BG": 2, "HR": 1.5, "DK": 1,
        "FI": 1, "SK": 1, "SI": 1, "LT": 1, "LV": 1, "EE": 1, "IE": 1, "NO": 1, "LU": 0.5,
        "MT": 0.5, "CY": 0.5, "IS": 0.3, "LI": 0.2,
    }
)  # fmt: skip

CITIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "DE": ("Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main", "Leipzig"),
        "FR": ("Paris", "Marseille", "Lyon", "Toulouse", "Lille", "Strasbourg"),
        "IT": ("Roma", "Milano", "Napoli", "Torino", "Palermo", "Bologna"),
        "ES": ("Madrid", "Barcelona", "Valencia", "Sevilla", "Málaga"),
        "NL": ("Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven"),
        "PL": ("Warszawa", "Kraków", "Łódź", "Wrocław", "Poznań", "Gdańsk"),
        "BE": ("Bruxelles", "Antwerpen", "Gent", "Liège", "Charleroi"),
        "AT": ("Wien", "Graz", "Linz", "Salzburg", "Innsbruck"),
        "SE": ("Stockholm", "Göteborg", "Malmö", "Uppsala"),
        "CZ": ("Praha", "Brno", "Ostrava", "Plzeň"),
        "PT": ("Lisboa", "Porto", "Braga", "Coimbra"),
        "GR": ("Athina", "Thessaloniki", "Patra", "Irakleio"),
        "HU": ("Budapest", "Debrecen", "Szeged", "Pécs"),
        "RO": ("București", "Cluj-Napoca", "Timișoara", "Iași", "Constanța"),
        "BG": ("Sofia", "Plovdiv", "Varna", "Burgas"),
        "HR": ("Zagreb", "Split", "Rijeka", "Osijek"),
        "DK": ("København", "Aarhus", "Odense"),
        "FI": ("Helsinki", "Espoo", "Tampere", "Turku"),
        "SK": ("Bratislava", "Košice", "Žilina"),
        "SI": ("Ljubljana", "Maribor", "Celje"),
        "LT": ("Vilnius", "Kaunas", "Klaipėda"),
        "LV": ("Rīga", "Daugavpils", "Liepāja"),
        "EE": ("Tallinn", "Tartu", "Narva"),
        "IE": ("Dublin", "Cork", "Limerick", "Galway"),
        "LU": ("Luxembourg", "Esch-sur-Alzette"),
        "MT": ("Valletta", "Birkirkara", "Sliema"),
        "CY": ("Lefkosia", "Lemesos", "Larnaka"),
        "CH": ("Zürich", "Genève", "Basel", "Bern", "Lausanne"),
        "NO": ("Oslo", "Bergen", "Trondheim"),
        "IS": ("Reykjavík", "Akureyri"),
        "LI": ("Vaduz", "Schaan"),
        "RU": ("Moskva", "Sankt-Peterburg", "Novosibirsk", "Yekaterinburg", "Kazan"),
        "UA": ("Kyiv", "Kharkiv", "Odesa", "Lviv", "Dnipro"),
        "BY": ("Minsk", "Homel", "Brest"),
        "TR": ("İstanbul", "Ankara", "İzmir", "Bursa", "Gaziantep"),
        "GE": ("Tbilisi", "Kutaisi", "Batumi"),
        "AM": ("Yerevan", "Gyumri", "Vanadzor"),
        "AZ": ("Baku", "Ganja"),
        "SY": ("Dimashq", "Halab", "Homs"),
        "IQ": ("Baghdad", "Al-Basrah", "Mosul", "Erbil"),
        "MA": ("Casablanca", "Rabat", "Fès", "Tanger"),
        "DZ": ("Alger", "Oran", "Constantine"),
        "TN": ("Tunis", "Sfax", "Sousse"),
        "EG": ("Al-Qahira", "Al-Iskandariya"),
        "SA": ("Ar-Riyad", "Jiddah"),
        "IR": ("Tehran", "Mashhad", "Esfahan"),
        "AF": ("Kabul", "Herat", "Mazar-i-Sharif"),
        "IL": ("Tel Aviv-Yafo", "Yerushalayim", "Haifa"),
        "CN": ("Beijing", "Shanghai", "Guangzhou", "Wenzhou"),
        "VN": ("Hà Nội", "Thành phố Hồ Chí Minh", "Hải Phòng"),
        "NG": ("Lagos", "Abuja", "Benin City"),
        "PK": ("Karachi", "Lahore", "Rawalpindi"),
        "IN": ("Mumbai", "Delhi", "Amritsar"),
        "MD": ("Chișinău", "Bălți"),
        "BR": ("São Paulo", "Rio de Janeiro", "Belo Horizonte"),
        "CO": ("Bogotá", "Medellín", "Cali"),
        "GH": ("Accra", "Kumasi"),
        "KE": ("Nairobi", "Mombasa"),
    }
)  # fmt: skip
"""A few real cities per country, in their usual Latin spelling (places of birth, thefts)."""

POLICE: Mapping[str, str] = MappingProxyType(
    {
        "DE": "Bundeskriminalamt", "AT": "Bundeskriminalamt",
        "FR": "Direction centrale de la police judiciaire",
        "IT": "Servizio per la Cooperazione Internazionale di Polizia",
        "ES": "Policía Nacional", "NL": "Nationale Politie", "BE": "Police fédérale",
        "PL": "Komenda Główna Policji", "SE": "Polismyndigheten",
        "CZ": "Policejní prezidium České republiky", "PT": "Polícia Judiciária",
        "GR": "Hellenic Police", "HU": "Országos Rendőr-főkapitányság",
        "RO": "Inspectoratul General al Poliției Române", "BG": "Ministry of Interior",
        "HR": "Ravnateljstvo policije", "DK": "Rigspolitiet", "FI": "Keskusrikospoliisi",
        "SK": "Prezídium Policajného zboru", "SI": "Generalna policijska uprava",
        "LT": "Lietuvos kriminalinės policijos biuras", "LV": "Valsts policija",
        "EE": "Politsei- ja Piirivalveamet", "IE": "An Garda Síochána",
        "LU": "Police grand-ducale", "MT": "Malta Police Force", "CY": "Cyprus Police",
        "CH": "Bundesamt für Polizei fedpol", "NO": "Kripos", "IS": "Ríkislögreglustjóri",
        "LI": "Landespolizei Liechtenstein",
    }
)  # fmt: skip
"""The police authority that issues a member state's criminal-law alerts."""

MIGRATION: Mapping[str, str] = MappingProxyType(
    {
        "DE": "Bundesamt für Migration und Flüchtlinge",
        "FR": "Direction générale des étrangers en France",
        "IT": "Ministero dell'Interno", "NL": "Immigratie- en Naturalisatiedienst",
        "BE": "Office des étrangers", "AT": "Bundesamt für Fremdenwesen und Asyl",
        "SE": "Migrationsverket", "ES": "Comisaría General de Extranjería y Fronteras",
        "PL": "Straż Graniczna", "CH": "Staatssekretariat für Migration",
        "NO": "Utlendingsdirektoratet", "DK": "Udlændingestyrelsen",
        "FI": "Maahanmuuttovirasto", "CZ": "Ministerstvo vnitra",
        "HU": "Országos Idegenrendészeti Főigazgatóság",
        "RO": "Inspectoratul General pentru Imigrări",
        "PT": "Agência para a Integração, Migrações e Asilo",
    }
)  # fmt: skip
"""The authority that issues a member state's border and return alerts (else the police)."""

COURTS: Mapping[str, str] = MappingProxyType(
    {
        "DE": "Amtsgericht {city}", "AT": "Landesgericht {city}",
        "CH": "Staatsanwaltschaft {city}", "LI": "Fürstliches Landgericht {city}",
        "FR": "Tribunal judiciaire de {city}", "BE": "Tribunal de première instance de {city}",
        "LU": "Tribunal d'arrondissement de {city}", "IT": "Tribunale di {city}",
        "ES": "Juzgado de Instrucción de {city}", "PT": "Tribunal Judicial de {city}",
        "NL": "Rechtbank {city}", "RO": "Tribunalul {city}", "PL": "Sąd Okręgowy, {city}",
        "CZ": "Krajský soud, {city}", "SK": "Krajský súd, {city}",
    }
)  # fmt: skip
"""The court that decides a member state's warrants, ``{city}`` filled in; else English."""


def court(state: str, city: str) -> str:
    return COURTS.get(state, "District Court of {city}").format(city=city)
