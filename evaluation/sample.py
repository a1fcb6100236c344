"""Fictional sample data: ten initiatives, eight quarters each, as filled-in reports.

Why it exists: the dashboard, the reports and the tests need a portfolio that looks like the
one the report describes (host-family stays to system-change learning communities, across the
three phases of a newcomer's path) without a real organisation's name or a real person in it.
Every name here is invented. The numbers move the way small initiatives' numbers move
(seasons, growth, a dip), some stay under five so that small-number protection shows, and the
network has referrals that cross phases and one initiative that for a while is the only bridge
between two otherwise separate groups.

Deterministic: every random choice comes from ``random.Random`` seeded with a string built
from ``SEED`` and the initiative (never from time or dict order), so two runs give equal
reports and the committed workbooks in ``sample_data/`` can be checked against a fresh run.

The texts are the initiatives' own words (Dutch; two initiatives write in English), so they
are sample content, not user-interface strings.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evaluation.catalogue import load_catalogue
from evaluation.errors import UserError
from evaluation.model import Report

SEED = 2024
QUARTERS: tuple[tuple[int, int], ...] = tuple((y, q) for y in (2024, 2025) for q in (1, 2, 3, 4))
# the relative activity level in each calendar quarter: the summer is quiet
SEASON = {1: 1.0, 2: 1.08, 3: 0.78, 4: 1.02}

# --------------------------------------------------------------------------------------------
# the specification of each fictional initiative
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnIndicator:
    code: str
    label: str
    definition: str
    dimension: str
    unit: str  # count | hours | share | rubric
    phase: str
    base: float  # level of the value (for a share: the share; for a rubric: the start step)
    note: str = ""


@dataclass(frozen=True)
class Activity:
    name: str
    phase: str
    # column code -> base level per quarter (before growth, season and dip)
    base: dict[str, float]
    first: int = 0  # the quarter index it starts in


@dataclass(frozen=True)
class Story:
    title: str
    text: str
    voice: str
    phase: str
    theme: str
    theme_2: str | None
    why: str
    quarter: int | None = None  # told in this quarter index (it refers to an event then)


@dataclass(frozen=True)
class Spec:
    initiative_id: str
    name: str
    city: str
    founded_year: int
    organisation_form: str
    phases: tuple[str, str, str]  # arrival, landing, future: primary / secondary / none
    lang: str  # language of the workbook and of most of its texts
    group: str  # which local cluster of the network it belongs to
    mission: str
    intentions: tuple[str, ...]  # one per half year, in order
    own: tuple[OwnIndicator, ...]
    activities: tuple[Activity, ...]
    indicators: dict[str, float]  # catalogue indicator -> base level
    stories: tuple[Story, ...]
    reflections: dict[str, tuple[str, ...]]  # open question -> answers in its own words
    growth: float = 1.04  # growth per quarter
    dip: tuple[int, float] = (5, 0.7)  # (quarter index, factor): a dip in one quarter
    dip_note: str = ""  # what the initiative says about the dip, next to the number
    season: bool = True
    lasting_share: float = 0.45  # share of new contacts still going six months later
    formal: tuple[tuple, ...] = field(default_factory=tuple)  # ties to formal organisations


def _s(title, text, voice, phase, theme, theme_2, why, quarter=None) -> Story:
    return Story(title, text, voice, phase, theme, theme_2, why, quarter)


SPECS: tuple[Spec, ...] = (
    Spec(
        initiative_id="gastvrij-dak",
        name="Gastvrij Dak",
        city="Utrecht",
        founded_year=2016,
        organisation_form="citizen_initiative",
        phases=("primary", "secondary", "none"),
        lang="nl",
        group="utrecht",
        mission=(
            "Wij koppelen statushouders die nog in de opvang wonen aan gastgezinnen in en rond "
            "Utrecht. Een logeerperiode van een paar weken geeft rust, een eigen sleutel en "
            "iemand aan de keukentafel die je de weg wijst. Geen hulpverlening, maar "
            "gastvrijheid: we zijn huisgenoten, geen begeleiders."
        ),
        intentions=(
            "Meer gastgezinnen buiten de binnenstad vinden en de kennismaking rustiger maken.",
            "Oud-gasten een rol geven bij de kennismakingsavonden voor nieuwe gastgezinnen.",
            "Na de logeerperiode beter doorgeven aan de buurtkamer, zodat het contact blijft.",
            "Samen met oud-gasten opschrijven wat een goed thuis-voor-even is.",
        ),
        own=(
            OwnIndicator(
                "eigen_gastgezinnen_opnieuw",
                "Gastgezinnen die opnieuw hun deur openen",
                "Gastgezinnen die na een eerste logeerperiode opnieuw een gast ontvangen.",
                "relational",
                "count",
                "arrival",
                3,
                "Voor ons het mooiste teken dat het logeren ook de gastgezinnen iets brengt.",
            ),
        ),
        activities=(
            Activity(
                "Logeerperiode bij een gastgezin",
                "arrival",
                {
                    "activities_held": 7,
                    "newcomers_participating": 8,
                    "residents_participating": 9,
                    "volunteer_hours": 140,
                    "people_hosted_or_housed": 8,
                },
            ),
            Activity(
                "Kennismakingsavond",
                "landing",
                {
                    "activities_held": 3,
                    "newcomers_participating": 12,
                    "residents_participating": 15,
                    "volunteer_hours": 30,
                },
            ),
        ),
        indicators={
            "new_contacts": 14,
            "friendships_reported": 0.55,
            "newcomers_in_lead_roles": 2,
            "changes_from_participant_input": 1.5,
            "reflection_moments": 3,
        },
        stories=(
            _s(
                "Een sleutel van mijn eigen",
                "In de opvang had ik niets dat van mij was. Op de eerste avond gaf het gezin mij "
                "een sleutel. Ik heb er lang naar gekeken. Het klinkt klein, maar ik kon weer "
                "zelf bepalen wanneer ik naar buiten ging.",
                "newcomer",
                "arrival",
                "home_and_belonging",
                "slowed_down_space",
                "Het was het eerste moment waarop ik me weer volwassen voelde.",
            ),
            _s(
                "Wie helpt hier wie?",
                "We dachten dat wij onze gast zouden helpen met de gemeente. Maar hij repareerde "
                "in de eerste week onze wasmachine en leerde onze dochter schaken. Aan het eind "
                "wisten we niet meer wie de gastheer was.",
                "volunteer",
                "arrival",
                "reciprocity",
                "role_shift",
                "Het gezin wil dat andere gastgezinnen weten dat je ook veel terugkrijgt.",
            ),
            _s(
                "Van gast naar gastvrouw",
                "Twee jaar geleden logeerde ze bij ons. Deze maand vertelde zij op de "
                "kennismakingsavond aan nieuwe gastgezinnen hoe het voelt om bij vreemden aan "
                "te bellen. Het werd muisstil in de zaal.",
                "coordinator",
                "landing",
                "role_shift",
                "more_than_a_refugee",
                "Zo ziet de coördinator het liefst dat rollen omdraaien.",
                3,
            ),
            _s(
                "Het contact bleef",
                "De logeerperiode is al een jaar voorbij, maar elke zondag eten we nog samen. "
                "Ze noemt ons haar Nederlandse familie en wij haar kinderen onze neefjes.",
                "volunteer",
                "landing",
                "warm_relationships",
                "continuity",
                "Het laat zien dat een tijdelijk thuis kan uitgroeien tot iets blijvends.",
            ),
            _s(
                "Rust in huis",
                "Bij het gastgezin kon ik voor het eerst sinds maanden doorslapen. Niemand "
                "klopte op de deur voor een controle. Pas toen kon ik gaan nadenken over wat "
                "ik hier wil worden.",
                "newcomer",
                "arrival",
                "slowed_down_space",
                "home_and_belonging",
                "Rust was de voorwaarde voor alles wat daarna kwam.",
            ),
        ),
        reflections={
            "roles_shifted": (
                "Een oud-gast leidde de kennismakingsavond; wij schonken koffie.",
                "Gasten kookten vaker dan de gastgezinnen. We hebben het kookrooster losgelaten.",
            ),
            "changed_from_input": (
                "Gasten vroegen om een kortere kennismaking en een langere proeftijd. Dat "
                "hebben we omgedraaid.",
                "Er is nu een avond alleen voor gasten, zonder gastgezinnen erbij.",
            ),
            "funder_tension": (
                "Het fonds wil weten hoeveel mensen sneller uitstromen. Wij zien vooral rust "
                "en vertrouwen, en die laten zich niet in weken uitdrukken.",
            ),
            "continuity_handovers": (
                "Met de buurtkamer spraken we af dat een vrijwilliger mee gaat bij het eerste "
                "bezoek. Dat werkt veel beter dan een folder.",
                "Via de digitale buurtkring blijven oud-gasten vragen stellen als ze al "
                "verhuisd zijn.",
            ),
        },
        growth=1.03,
        dip=(4, 0.55),
        dip_note=(
            "Minder gastgezinnen deze winter: drie gezinnen stopten tegelijk en nieuwe waren er "
            "nog niet."
        ),
        season=False,
        formal=(
            (
                "COA-locatie Utrecht",
                "coa",
                "referral_in",
                6,
                0,
                7,
                "arrival",
                "Statushouders die graag eerder de opvang uit willen.",
            ),
            (
                "Gemeente Utrecht",
                "municipality",
                "collaboration",
                2,
                0,
                7,
                "arrival",
                "Afstemming over statushouders die naar Utrecht verhuizen.",
            ),
            (
                "Woonstichting Thuisgrond",
                "housing_corporation",
                "collaboration",
                1,
                3,
                7,
                "arrival",
                "Samen kijken naar kamers voor de periode na het logeren.",
            ),
            (
                "Fonds Gedeelde Stad",
                "fund",
                "co_funding",
                1,
                0,
                7,
                None,
                "Bijdrage in de reiskosten van gasten en gastgezinnen.",
            ),
        ),
    ),
    Spec(
        initiative_id="buurtwonen-noord",
        name="Buurtwonen Noord",
        city="Rotterdam",
        founded_year=2017,
        organisation_form="foundation",
        phases=("primary", "secondary", "none"),
        lang="nl",
        group="rotterdam",
        mission=(
            "In een oud schoolgebouw in Rotterdam-Noord wonen jonge statushouders en jonge "
            "buurtbewoners samen, elk met een eigen kamer en een gedeelde keuken. Wij geloven "
            "dat je een wijk leert kennen door er te wonen, niet door er folders over te lezen."
        ),
        intentions=(
            "De gezamenlijke keuken weer het hart van het huis maken.",
            "Bewoners zelf de huisvergaderingen laten voorzitten.",
            "Vertrekkende bewoners laten blijven meedoen als buur op afstand.",
            "Met de woningcorporatie praten over een tweede pand.",
        ),
        own=(
            OwnIndicator(
                "eigen_gedeelde_maaltijden",
                "Gedeelde maaltijden",
                "Maaltijden die bewoners met en zonder vluchtachtergrond samen koken en eten.",
                "relational",
                "count",
                "landing",
                22,
                "Geteld op het lijstje op de koelkast.",
            ),
        ),
        activities=(
            Activity(
                "Samen wonen",
                "arrival",
                {
                    "activities_held": 2,
                    "newcomers_participating": 14,
                    "residents_participating": 12,
                    "volunteer_hours": 60,
                    "people_hosted_or_housed": 14,
                },
            ),
            Activity(
                "Buurtmaaltijd",
                "landing",
                {
                    "activities_held": 6,
                    "newcomers_participating": 18,
                    "residents_participating": 25,
                    "volunteer_hours": 48,
                },
            ),
        ),
        indicators={
            "new_contacts": 11,
            "friendships_reported": 0.6,
            "newcomers_in_lead_roles": 3,
            "newcomer_initiated_activities": 2,
            "open_encounter_hours": 40,
        },
        stories=(
            _s(
                "De keuken als huiskamer",
                "Eerst at iedereen op zijn eigen kamer. Nu staat er elke avond wel iemand te "
                "koken voor meer mensen dan nodig. Je leert elkaars eten kennen, en daarna "
                "elkaars verhalen.",
                "newcomer",
                "landing",
                "warm_relationships",
                "home_and_belonging",
                "Hij voelt zich hier thuis, niet ondergebracht.",
            ),
            _s(
                "Ik woon hier ook",
                "Ik kwam hier wonen omdat de huur laag was. Inmiddels help ik mijn huisgenoot "
                "met zijn inburgering en hij mij met mijn angst om in het openbaar te spreken.",
                "neighbour",
                "landing",
                "reciprocity",
                "warm_relationships",
                "Het veranderde haar beeld van wat helpen is.",
            ),
            _s(
                "Voorzitter van de huisvergadering",
                "Deze maand zat een bewoner uit Eritrea de huisvergadering voor. Het ging over "
                "het schoonmaakrooster, en het was de rustigste vergadering van het jaar.",
                "coordinator",
                "landing",
                "role_shift",
                None,
                "Het laat zien dat het huis van de bewoners is.",
                3,
            ),
            _s(
                "Een eigen huis, en toch terug",
                "Ik heb nu een eigen woning aan de andere kant van de stad. Toch fiets ik elke "
                "donderdag terug voor de buurtmaaltijd. Hier wonen mijn mensen.",
                "newcomer",
                "future",
                "continuity",
                "home_and_belonging",
                "Verhuizen hoeft niet te betekenen dat je weer opnieuw begint.",
            ),
            _s(
                "Onze flat werd een dorp",
                "Als buren waren we eerst wantrouwig. Nu lenen we gereedschap uit aan het "
                "schoolgebouw en krijgen we soep terug. Er is meer gedeeld dan we hadden "
                "gedacht.",
                "neighbour",
                "arrival",
                "warm_relationships",
                "reciprocity",
                "De buurt ziet de nieuwe bewoners als buren, niet als probleem.",
            ),
        ),
        reflections={
            "roles_shifted": (
                "Bewoners met een vluchtachtergrond leiden nu de rondleidingen voor nieuwe "
                "bewoners.",
                "De coördinator doet een stap terug in de huisvergadering.",
            ),
            "changed_from_input": (
                "Op verzoek van bewoners is er een stille kamer gekomen om te bidden of te "
                "studeren.",
            ),
            "funder_tension": (
                "De subsidie vraagt om doorstroom binnen een jaar. Bewoners hebben soms juist "
                "meer tijd nodig om te landen.",
                "We moesten uitleggen waarom een gedeelde maaltijd geen 'activiteit' is maar "
                "het hart van het werk.",
            ),
            "continuity_handovers": (
                "Naar de talkshow gaan we samen; dat maakt de stap kleiner.",
                "Een paar bewoners gingen naar de leerwerkkeuken; we bellen nog na.",
            ),
        },
        growth=1.02,
        dip=(2, 0.7),
        dip_note="Zomer, en een lekkage in de gedeelde keuken: er werd weinig samen gekookt.",
        formal=(
            (
                "COA-locatie Rotterdam",
                "coa",
                "referral_in",
                4,
                0,
                7,
                "arrival",
                "Jonge statushouders die een kamer in de wijk krijgen.",
            ),
            (
                "Woonstichting Nieuwe Haven",
                "housing_corporation",
                "collaboration",
                3,
                0,
                7,
                "arrival",
                "Het schoolgebouw, het beheer en de toewijzing van kamers.",
            ),
            (
                "Gemeente Rotterdam",
                "municipality",
                "co_funding",
                1,
                0,
                7,
                None,
                "Bijdrage in de begeleiding van het woonproject.",
            ),
        ),
    ),
    Spec(
        initiative_id="digitale-buurtkring",
        name="Digitale Buurtkring",
        city="Amsterdam",
        founded_year=2018,
        organisation_form="other",
        phases=("secondary", "primary", "none"),
        lang="en",
        group="bridge",
        mission=(
            "An online community where newcomers and people who have lived here longer ask "
            "each other anything: where to find a good second-hand bike, how a rental "
            "contract works, who wants to go for a walk on Sunday. Online is where it starts; "
            "meeting in person is where it matters."
        ),
        intentions=(
            "Turn more online questions into offline meetings.",
            "Let newcomer members moderate the Arabic and Tigrinya channels.",
            "Connect members in Rotterdam and Utrecht to the local initiatives there.",
            "Make the welcome chat shorter and warmer.",
        ),
        own=(
            OwnIndicator(
                "own_members_answering",
                "Newcomer members who answered a question",
                "Newcomer members who answered another member's question this quarter.",
                "process",
                "count",
                "landing",
                18,
                "Counted from the forum's monthly summary, without looking at who.",
            ),
            OwnIndicator(
                "own_met_offline",
                "Members who met offline",
                "Members who met another member in person, out of those who filled in the "
                "quarterly check-in.",
                "relational",
                "share",
                "landing",
                0.35,
            ),
        ),
        activities=(
            Activity(
                "Online meetups",
                "landing",
                {
                    "activities_held": 12,
                    "newcomers_participating": 60,
                    "residents_participating": 45,
                    "volunteer_hours": 90,
                    "language_practice_hours": 20,
                },
            ),
            Activity(
                "Welcome chats",
                "arrival",
                {
                    "activities_held": 20,
                    "newcomers_participating": 20,
                    "residents_participating": 8,
                    "volunteer_hours": 25,
                },
            ),
        ),
        indicators={
            "new_contacts": 40,
            "newcomers_in_lead_roles": 4,
            "newcomer_initiated_activities": 3,
            "changes_from_participant_input": 2,
        },
        stories=(
            _s(
                "A bike and a friend",
                "I asked where to buy a cheap bike. Someone answered: come to my street, my "
                "neighbour sells one. We still cycle to the market together on Saturdays.",
                "newcomer",
                "landing",
                "warm_relationships",
                None,
                "A simple question turned into a friendship.",
            ),
            _s(
                "Moderating in my own language",
                "Since spring I moderate the Tigrinya channel. People trust an answer more "
                "when it comes from someone who went through the same letters from the "
                "municipality.",
                "newcomer",
                "landing",
                "role_shift",
                "language",
                "She is now the one people come to with questions.",
            ),
            _s(
                "From the screen to the table",
                "We organised our first offline dinner for members in Rotterdam. Half of the "
                "people had only ever seen each other as a profile picture.",
                "coordinator",
                "landing",
                "continuity",
                "warm_relationships",
                "It showed that the online community can reach beyond one city.",
            ),
            _s(
                "What I learned from answering",
                "I joined to help newcomers. Mostly I learned how strange our rules look from "
                "the outside, and that the best answer is often: let's call the office "
                "together.",
                "volunteer",
                "arrival",
                "reciprocity",
                "system_change",
                "He sees his own country with different eyes now.",
            ),
            _s(
                "Een vraag over werk",
                "Via het forum kwam ik bij een ontmoeting met werkgevers in Rotterdam. Ik had "
                "niet gedacht dat een online vraag mij een stageplek zou opleveren.",
                "newcomer",
                "future",
                "work_and_learning",
                "continuity",
                "Het forum was de eerste schakel naar werk.",
            ),
        ),
        reflections={
            "roles_shifted": (
                "Newcomer members now run the welcome chats; volunteers only join on request.",
                "A member who arrived last year now trains new moderators.",
            ),
            "changed_from_input": (
                "Members asked for voice messages instead of long texts, so we added them.",
                "We stopped asking for a profile photo; members said it felt unsafe.",
            ),
            "funder_tension": (
                "Funders count members. We care about the questions that turn into meetings, "
                "and those are fewer but matter more.",
            ),
            "continuity_handovers": (
                "We introduce members to the traineeship team in Utrecht and the employer "
                "meetings in Rotterdam; the first message is always a warm introduction.",
            ),
        },
        growth=1.06,
        dip=(6, 0.75),
        dip_note="The forum was offline for three weeks after moving to a new server.",
        lasting_share=0.25,
        formal=(
            (
                "Gemeente Amsterdam",
                "municipality",
                "collaboration",
                1,
                0,
                7,
                "arrival",
                "Information about the forum in the welcome package.",
            ),
            ("Amstelfonds", "fund", "co_funding", 1, 0, 7, None, "Hosting and moderation."),
        ),
    ),
    Spec(
        initiative_id="keuken-van-morgen",
        name="Keuken van Morgen",
        city="Rotterdam",
        founded_year=2016,
        organisation_form="social_enterprise",
        phases=("secondary", "secondary", "primary"),
        lang="nl",
        group="rotterdam",
        mission=(
            "Een restaurant waar nieuwkomers een half jaar leren en werken in keuken en "
            "bediening. We koken met wat mensen meebrengen: hun gerechten, hun vakmanschap, "
            "hun verhalen. Wie bij ons vertrekt, gaat naar een baan, een stage of een "
            "opleiding, en blijft welkom aan tafel."
        ),
        intentions=(
            "Het voorbereidingsprogramma in de opvang opnieuw opstarten.",
            "Meer trainees laten meebeslissen over de menukaart.",
            "Oud-trainees als werkbegeleider laten terugkomen.",
            "Met twee werkgevers een vaste doorstroomafspraak maken.",
        ),
        own=(
            OwnIndicator(
                "eigen_gerechten_van_trainees",
                "Gerechten van trainees op de kaart",
                "Gerechten op de menukaart die trainees uit hun eigen keuken meebrachten.",
                "process",
                "count",
                "future",
                5,
                "De kaart wisselt elk seizoen.",
            ),
        ),
        activities=(
            Activity(
                "Leer-werktraject keuken en bediening",
                "future",
                {
                    "activities_held": 60,
                    "newcomers_participating": 16,
                    "residents_participating": 10,
                    "volunteer_hours": 220,
                    "starts_paid_work": 3,
                    "starts_internship": 2,
                    "starts_education": 1.5,
                },
            ),
            Activity(
                "Voorbereiding in de opvang",
                "arrival",
                {
                    "activities_held": 4,
                    "newcomers_participating": 15,
                    "residents_participating": 3,
                    "volunteer_hours": 24,
                },
                first=1,
            ),
            Activity(
                "Open tafel",
                "landing",
                {
                    "activities_held": 3,
                    "newcomers_participating": 20,
                    "residents_participating": 35,
                    "volunteer_hours": 30,
                },
            ),
        ),
        indicators={
            "new_contacts": 18,
            "friendships_reported": 0.5,
            "bridges_to_employers_and_institutions": 9,
            "newcomers_in_lead_roles": 3,
            "talents_made_visible": 7,
            "system_change_contributions": 1.2,
        },
        stories=(
            _s(
                "Mijn moeders recept op de kaart",
                "Ik heb nooit gedacht dat het recept van mijn moeder in Nederland op een "
                "menukaart zou staan. Gasten vroegen naar het verhaal erachter. Ik vertelde het, "
                "in het Nederlands.",
                "newcomer",
                "future",
                "hidden_talents",
                "language",
                "Zijn vakmanschap werd gezien, niet zijn status.",
            ),
            _s(
                "Meer dan een trainee",
                "Hij was kok in een hotel voordat hij vluchtte. Na drie weken draaide hij de "
                "lunch zelfstandig. Het traject gaat voor hem niet over leren koken, maar over "
                "laten zien wat hij al kan.",
                "coordinator",
                "future",
                "more_than_a_refugee",
                "hidden_talents",
                "De coördinator wil dat werkgevers verder kijken dan een cv.",
            ),
            _s(
                "Wij leerden ook",
                "Onze keukenbrigade werkt nu met een rooster dat rekening houdt met "
                "inburgeringslessen. Dat hadden we zonder de trainees van de leer-werkkeuken "
                "nooit bedacht.",
                "employer",
                "future",
                "system_change",
                "work_and_learning",
                "Ook een werkgever verandert als hij goed kijkt.",
            ),
            _s(
                "Aan de open tafel",
                "Ik kom elke maand eten aan de open tafel. Laatst schoof een jongen aan die "
                "net uit de opvang kwam. Nu help ik hem met zijn brieven en hij mij met mijn "
                "telefoon.",
                "neighbour",
                "landing",
                "reciprocity",
                "warm_relationships",
                "Ze merkte dat ze zelf ook iets nodig had.",
            ),
            _s(
                "Eerste dag in de opvang",
                "In de opvang kookten we samen met bewoners op twee elektrische plaatjes. "
                "Drie van hen staan nu bij ons in de keuken.",
                "volunteer",
                "arrival",
                "continuity",
                "work_and_learning",
                "Het laat zien hoe vroeg een pad kan beginnen.",
                2,
            ),
        ),
        reflections={
            "roles_shifted": (
                "Een oud-trainee is nu werkbegeleider en leert de nieuwe groep de hygiëneregels.",
                "Trainees gaven de vaste koks een workshop over hun keuken.",
            ),
            "changed_from_input": (
                "Trainees wilden ook in de bediening staan, niet alleen in de keuken. Het "
                "traject heeft nu twee routes.",
            ),
            "funder_tension": (
                "Financiers vragen om uitstroom naar werk binnen zes maanden. Sommige trainees "
                "hebben eerst een opleiding nodig, en dat telt dan niet mee.",
                "De gemeente betaalt per trajectplek, niet voor de open tafel. Die betalen we "
                "uit de omzet.",
            ),
            "continuity_handovers": (
                "Met de ontmoetingen met werkgevers gaat het goed: wij kennen de mensen, zij "
                "kennen de werkgevers.",
            ),
        },
        growth=1.03,
        dip=(3, 0.65),
        dip_note="Het restaurant was zes weken dicht voor een verbouwing van de keuken.",
        lasting_share=0.5,
        formal=(
            (
                "COA-locatie Rotterdam",
                "coa",
                "collaboration",
                4,
                1,
                7,
                "arrival",
                "Het voorbereidingsprogramma in de opvang.",
            ),
            (
                "Gemeente Rotterdam",
                "municipality",
                "co_funding",
                1,
                0,
                7,
                None,
                "Bijdrage per trajectplek.",
            ),
            (
                "Horecavakschool Maasoever",
                "school",
                "collaboration",
                2,
                0,
                7,
                "future",
                "Erkende leerplekken en doorstroom naar de vakopleiding.",
            ),
            (
                "Hotel De Groene Sluis",
                "employer",
                "referral_out",
                2,
                0,
                7,
                "future",
                "Oud-trainees die er in de keuken begonnen.",
            ),
            (
                "Gemeente Rotterdam",
                "municipality",
                "advisory_role",
                1,
                4,
                7,
                "future",
                "Meedenken over leer-werkplekken voor nieuwkomers.",
            ),
        ),
    ),
    Spec(
        initiative_id="buurtkamer-lindeboom",
        name="Buurtkamer De Lindeboom",
        city="Utrecht",
        founded_year=2015,
        organisation_form="association",
        phases=("none", "primary", "none"),
        lang="nl",
        group="utrecht",
        mission=(
            "Een huiskamer in de wijk, vijf ochtenden per week open. Er is koffie, een "
            "dagelijks taalcafé, een naai- en fietsatelier, en vooral tijd. Buurtbewoners met "
            "en zonder vluchtachtergrond bedenken en draaien de activiteiten samen. Niemand "
            "hoeft hier iets te bereiken."
        ),
        intentions=(
            "Het taalcafé ook op een avond openen, voor wie overdag werkt.",
            "Meer activiteiten laten ontstaan uit wat bezoekers zelf willen leren.",
            "De ochtenden rustig houden, ook nu er meer mensen komen.",
            "Nieuwe vrijwilligers inwerken met een oud-bezoeker als maatje.",
        ),
        own=(
            OwnIndicator(
                "eigen_buren_die_terugkomen",
                "Buren die terugkomen",
                "Buurtbewoners die deze periode vaker dan drie keer kwamen, van alle "
                "buurtbewoners die kwamen.",
                "relational",
                "share",
                "landing",
                0.4,
            ),
            OwnIndicator(
                "eigen_gelijkwaardigheid",
                "Gelijkwaardigheid aan tafel",
                "Ons eigen oordeel, samen met bezoekers, over hoe gelijkwaardig de gesprekken "
                "aan de taalcafétafels voelen (stap 1 tot 4).",
                "process",
                "rubric",
                "landing",
                2,
            ),
        ),
        activities=(
            Activity(
                "Taalcafé",
                "landing",
                {
                    "activities_held": 55,
                    "newcomers_participating": 45,
                    "residents_participating": 22,
                    "volunteer_hours": 180,
                    "language_practice_hours": 110,
                },
            ),
            Activity(
                "Naai- en fietsatelier",
                "landing",
                {
                    "activities_held": 20,
                    "newcomers_participating": 14,
                    "residents_participating": 9,
                    "volunteer_hours": 70,
                },
            ),
            Activity(
                "Inloopochtend",
                "landing",
                {
                    "activities_held": 40,
                    "newcomers_participating": 35,
                    "residents_participating": 30,
                    "volunteer_hours": 120,
                },
            ),
        ),
        indicators={
            "new_contacts": 30,
            "friendships_reported": 0.45,
            "open_encounter_hours": 150,
            "newcomer_initiated_activities": 3,
            "newcomers_in_lead_roles": 5,
            "changes_from_participant_input": 2,
        },
        stories=(
            _s(
                "Het fietsatelier draait om haar",
                "Ze kwam om Nederlands te oefenen. Toen bleek dat ze in haar eigen land "
                "fietsen repareerde. Nu staat zij op dinsdag in het atelier en leren buren van "
                "haar hoe je een band plakt.",
                "volunteer",
                "landing",
                "hidden_talents",
                "role_shift",
                "Het atelier bestaat dankzij haar.",
            ),
            _s(
                "Gewoon koffie",
                "Ik hoef hier niets. Geen formulier, geen doel. Ik drink koffie, ik luister. "
                "Na een paar weken begon ik zelf te praten.",
                "newcomer",
                "landing",
                "slowed_down_space",
                "language",
                "Zonder druk durfde hij de taal te gebruiken.",
            ),
            _s(
                "Mijn buurvrouw van drie hoog",
                "Ik woon hier veertig jaar en kende niemand in mijn portiek. Aan de "
                "taalcafétafel leerde ik de vrouw van drie hoog kennen. We doen nu samen "
                "boodschappen.",
                "neighbour",
                "landing",
                "warm_relationships",
                "home_and_belonging",
                "Ze was zelf eenzaam, en dat zei ze voor het eerst hardop.",
            ),
            _s(
                "Een avond voor wie werkt",
                "Bezoekers die werk vonden, konden niet meer naar het taalcafé. Zij vroegen om "
                "een avond. Die draaien ze nu zelf.",
                "coordinator",
                "future",
                "continuity",
                "role_shift",
                "Het taalcafé groeit mee met de mensen.",
                3,
            ),
            _s(
                "Naaien voor de buurt",
                "Ik maakte jurken in Damascus. Hier maak ik gordijnen voor het buurthuis en "
                "geef ik les aan buurvrouwen. Ze noemen mij juf.",
                "newcomer",
                "landing",
                "hidden_talents",
                "reciprocity",
                "Ze is trots dat ze weer les geeft.",
            ),
        ),
        reflections={
            "roles_shifted": (
                "Bezoekers met een vluchtachtergrond openen nu twee van de vijf ochtenden.",
                "Een bezoeker werd bestuurslid van de vereniging.",
            ),
            "changed_from_input": (
                "Op verzoek is er een avondtaalcafé gekomen.",
                "Bezoekers vroegen om minder spelletjes en meer gewone gesprekken; we hebben "
                "de werkbladen weggelegd.",
            ),
            "funder_tension": (
                "De gemeente vraagt hoeveel mensen een taalniveau hoger kwamen. Wij zien "
                "mensen die durven te praten, en dat past niet in die vraag.",
            ),
            "continuity_handovers": (
                "Mensen die toe zijn aan werk brengen we zelf naar het traineeship in de stad; "
                "we gaan mee naar het eerste gesprek.",
                "Van het gastgezinnenproject komen nieuwe bezoekers binnen met een "
                "vrijwilliger erbij.",
            ),
        },
        growth=1.03,
        dip=(6, 0.6),
        dip_note="Zomersluiting en een verhuizing naar een tijdelijke ruimte.",
        formal=(
            (
                "Gemeente Utrecht",
                "municipality",
                "co_funding",
                1,
                0,
                7,
                None,
                "Buurtbudget voor de huiskamer.",
            ),
            (
                "Taalschool Kanaaleiland",
                "school",
                "referral_in",
                5,
                0,
                7,
                "landing",
                "Cursisten die buiten de les willen oefenen.",
            ),
            (
                "Woonstichting Thuisgrond",
                "housing_corporation",
                "collaboration",
                1,
                0,
                7,
                "landing",
                "De ruimte op de begane grond.",
            ),
        ),
    ),
    Spec(
        initiative_id="tafelgesprek-live",
        name="Tafelgesprek Live",
        city="Rotterdam",
        founded_year=2019,
        organisation_form="citizen_initiative",
        phases=("none", "primary", "none"),
        lang="nl",
        group="rotterdam",
        mission=(
            "Een maandelijkse talkshow in een buurtcafé, met gasten met en zonder "
            "vluchtachtergrond. We praten niet over procedures, maar over hoe vaak je je moeder "
            "belt, waar je om lacht en wat je mist. Na afloop blijft iedereen hangen."
        ),
        intentions=(
            "Een nieuw vast podium vinden nu het buurtcafé verbouwt.",
            "Nieuwkomers de show laten presenteren, niet alleen als gast.",
            "Na elke show een rustig nagesprek voor wie wil.",
            "Een aflevering maken samen met de werkgeversontmoetingen.",
        ),
        own=(
            OwnIndicator(
                "eigen_nagesprekken",
                "Nagesprekken",
                "Gesprekken na afloop van de show die langer dan een halfuur duurden, "
                "geteld door de gastvrouwen.",
                "relational",
                "count",
                "landing",
                12,
            ),
        ),
        activities=(
            Activity(
                "Talkshow",
                "landing",
                {
                    "activities_held": 3,
                    "newcomers_participating": 25,
                    "residents_participating": 60,
                    "volunteer_hours": 75,
                },
            ),
            Activity(
                "Voorgesprek met gasten",
                "landing",
                {
                    "activities_held": 8,
                    "newcomers_participating": 4,
                    "residents_participating": 4,
                    "volunteer_hours": 16,
                },
            ),
        ),
        indicators={
            "new_contacts": 20,
            "open_encounter_hours": 14,
            "newcomers_in_lead_roles": 2,
            "talents_made_visible": 4,
            "reflection_moments": 2,
        },
        stories=(
            _s(
                "Over mijn moeder",
                "Op het podium vroeg de presentator hoe vaak ik mijn moeder bel. Ik moest "
                "lachen en huilen tegelijk. Daarna kwamen drie mensen uit de zaal naar mij toe "
                "om over hun eigen moeder te vertellen.",
                "newcomer",
                "landing",
                "more_than_a_refugee",
                "warm_relationships",
                "Voor het eerst was hij gewoon een zoon, geen dossier.",
            ),
            _s(
                "Ik presenteer nu zelf",
                "Vorig jaar zat ik als gast aan tafel. Deze maand stelde ik de vragen. Het is "
                "moeilijker dan het lijkt, en veel leuker.",
                "newcomer",
                "landing",
                "role_shift",
                "hidden_talents",
                "Zij wil laten zien dat nieuwkomers ook de vragen stellen.",
                4,
            ),
            _s(
                "Het buurtcafé was dicht",
                "Door de verbouwing moesten we een kwartaal uitwijken naar een zaaltje dat "
                "niemand kende. Er kwam de helft van het publiek. We leerden hoe belangrijk "
                "een vertrouwde plek is.",
                "coordinator",
                "landing",
                "slowed_down_space",
                "home_and_belonging",
                "De plek hoort bij het verhaal.",
                3,
            ),
            _s(
                "Ik kwam voor de muziek",
                "Ik kwam eigenlijk alleen voor de band. Maar het gesprek over heimwee raakte me. "
                "Ik ben zelf ooit uit Limburg naar hier verhuisd en had dat nooit zo gezien.",
                "neighbour",
                "landing",
                "warm_relationships",
                None,
                "Hij herkende zichzelf in iemand die hij als anders zag.",
            ),
            _s(
                "Een gast die bleef",
                "Een van onze gasten wilde daarna graag werken. We hebben hem voorgesteld aan "
                "de koffieochtenden met werkgevers in de stad. Hij belde ons na zijn eerste "
                "werkdag.",
                "volunteer",
                "future",
                "continuity",
                "work_and_learning",
                "Het liet zien dat de show ook een begin kan zijn.",
            ),
        ),
        reflections={
            "roles_shifted": (
                "Een nieuwkomer presenteerde twee afleveringen; de vaste presentator zat in de "
                "zaal.",
            ),
            "changed_from_input": (
                "Gasten wilden de vragen vooraf zien. Nu bespreken we ze in het voorgesprek.",
                "Het publiek vroeg om minder lange shows; we stoppen nu op tijd en laten de "
                "zaal praten.",
            ),
            "funder_tension": (
                "Een fonds vroeg om bezoekersaantallen per show. Juist de kleine, rustige "
                "avonden waren de beste.",
            ),
            "continuity_handovers": (
                "Met de werkgeversontmoetingen en de leerwerkkeuken hebben we een vast "
                "contactpersoon; dat maakt het doorgeven persoonlijk.",
            ),
        },
        growth=1.02,
        dip=(3, 0.5),
        dip_note=(
            "Het buurtcafé ging dicht voor een verbouwing; we weken uit naar een zaaltje dat "
            "niemand kende."
        ),
        formal=(
            (
                "Gemeente Rotterdam",
                "municipality",
                "co_funding",
                1,
                0,
                7,
                None,
                "Wijkbudget voor de show.",
            ),
            (
                "Buurtcafé De Hoekkamer",
                "other",
                "collaboration",
                3,
                0,
                7,
                "landing",
                "Het podium en de zaal.",
            ),
            (
                "Maasfonds Samenleven",
                "fund",
                "co_funding",
                1,
                2,
                7,
                None,
                "Techniek en vrijwilligersvergoedingen.",
            ),
        ),
    ),
    Spec(
        initiative_id="groeiplek",
        name="Groeiplek",
        city="Utrecht",
        founded_year=2017,
        organisation_form="social_enterprise",
        phases=("none", "none", "primary"),
        lang="nl",
        group="utrecht",
        mission=(
            "Wij maken traineeships van zes maanden bij lokale bedrijven en organisaties, "
            "passend bij wat iemand al kan. We begeleiden de trainee en de werkgever allebei: "
            "een goede plek vraagt ook iets van de werkplek."
        ),
        intentions=(
            "Meer traineeships buiten kantoorwerk: techniek, zorg, logistiek.",
            "Oud-trainees als mentor inzetten voor de nieuwe groep.",
            "Met werkgevers uitzoeken wat zij moeten veranderen, niet alleen de trainee.",
            "Samen met de ondernemersmatching een tweede lichting werkgevers vinden.",
        ),
        own=(
            OwnIndicator(
                "eigen_werkgevers_die_iets_aanpasten",
                "Werkgevers die iets aanpasten",
                "Werkgevers die hun manier van werven, inwerken of begeleiden veranderden na "
                "een traineeship.",
                "process",
                "count",
                "future",
                2,
            ),
        ),
        activities=(
            Activity(
                "Traineeship",
                "future",
                {
                    "activities_held": 9,
                    "newcomers_participating": 11,
                    "residents_participating": 9,
                    "volunteer_hours": 110,
                    "starts_paid_work": 3,
                    "starts_internship": 5,
                    "starts_education": 1,
                },
            ),
            Activity(
                "Intervisie trainees en begeleiders",
                "future",
                {
                    "activities_held": 3,
                    "newcomers_participating": 9,
                    "residents_participating": 7,
                    "volunteer_hours": 18,
                },
            ),
        ),
        indicators={
            "new_contacts": 10,
            "bridges_to_employers_and_institutions": 12,
            "talents_made_visible": 6,
            "system_change_contributions": 1.5,
            "reflection_moments": 2,
        },
        stories=(
            _s(
                "Ingenieur aan de werkbank",
                "In mijn land was ik ingenieur. Hier moest ik eerst bewijzen dat ik een "
                "schroevendraaier kan vasthouden. Na twee weken vroeg de chef mij om een "
                "machine te herontwerpen.",
                "newcomer",
                "future",
                "hidden_talents",
                "work_and_learning",
                "Hij wil dat werkgevers sneller vragen wat iemand al kan.",
            ),
            _s(
                "We veranderden ons inwerkprogramma",
                "Ons inwerkprogramma bestond uit een map van veertig pagina's. Onze trainee "
                "liet ons zien dat niemand die leest. Nu werken nieuwe collega's een week naast "
                "een maatje.",
                "employer",
                "future",
                "system_change",
                "reciprocity",
                "Het hele bedrijf heeft er profijt van.",
            ),
            _s(
                "Mentor van de nieuwe groep",
                "Vorig jaar was ik trainee. Nu bel ik elke week met twee nieuwe trainees. Ik "
                "weet precies waar ze tegenaan lopen, want ik liep er zelf tegenaan.",
                "newcomer",
                "future",
                "role_shift",
                "continuity",
                "Ze geeft door wat ze zelf kreeg.",
                5,
            ),
            _s(
                "Begeleiden is ook leren",
                "Als begeleider dacht ik dat ik de trainee zou leren hoe het hier werkt. Ik heb "
                "vooral geleerd hoeveel ongeschreven regels we hebben.",
                "volunteer",
                "future",
                "reciprocity",
                None,
                "Hij kijkt nu anders naar zijn eigen werkplek.",
            ),
        ),
        reflections={
            "roles_shifted": (
                "Oud-trainees zijn nu mentor; de begeleiders doen minder en luisteren meer.",
            ),
            "changed_from_input": (
                "Trainees wilden eerst meelopen voordat ze kiezen. We hebben een snuffelweek "
                "ingevoerd.",
                "Op verzoek van trainees is de intervisie nu zonder werkgevers erbij.",
            ),
            "funder_tension": (
                "De gemeente telt alleen betaald werk. Een opleiding die beter past dan een "
                "baan geldt dan als mislukt, terwijl het een goede stap is.",
            ),
            "continuity_handovers": (
                "De buurtkamer en de digitale buurtkring brengen mensen met een warme "
                "introductie; dan beginnen we niet bij nul.",
            ),
        },
        growth=1.04,
        dip=(2, 0.6),
        dip_note="Zomer: bij veel werkgevers lagen de traineeships een paar weken stil.",
        lasting_share=0.6,
        formal=(
            (
                "Gemeente Utrecht",
                "municipality",
                "co_funding",
                1,
                0,
                7,
                None,
                "Bijdrage per traineeship.",
            ),
            (
                "Zorgcentrum De Vijf Linden",
                "employer",
                "collaboration",
                2,
                0,
                7,
                "future",
                "Traineeships in de zorg en de facilitaire dienst.",
            ),
            (
                "Drukkerij Letterzet",
                "employer",
                "collaboration",
                1,
                2,
                6,
                "future",
                "Traineeships in de drukkerij.",
            ),
            (
                "Vakschool Kanaaleiland",
                "school",
                "referral_out",
                1,
                1,
                7,
                "future",
                "Trainees die een vakopleiding gingen volgen.",
            ),
        ),
    ),
    Spec(
        initiative_id="koffie-met-werkgevers",
        name="Koffie met Werkgevers",
        city="Rotterdam",
        founded_year=2018,
        organisation_form="foundation",
        phases=("none", "secondary", "primary"),
        lang="nl",
        group="rotterdam",
        mission=(
            "Wij organiseren koffieochtenden waar nieuwkomers en werkgevers gewoon met elkaar "
            "praten, zonder cv en zonder sollicitatie. Als er een klik is, begeleiden we "
            "allebei: de nieuwe collega en de werkplek die ruimte moet maken."
        ),
        intentions=(
            "Werkgevers uit de haven en de zorg aan tafel krijgen.",
            "Na elke ochtend een tweede kop koffie: een vervolggesprek binnen twee weken.",
            "Werkgevers laten reflecteren op wat zij zelf moeten veranderen.",
            "Samen met de leerkring een sessie over werving zonder cv.",
        ),
        own=(
            OwnIndicator(
                "eigen_tweede_kop_koffie",
                "Tweede kop koffie",
                "Vervolggesprekken tussen een nieuwkomer en een werkgever na een koffieochtend.",
                "relational",
                "count",
                "future",
                9,
            ),
        ),
        activities=(
            Activity(
                "Koffieochtend",
                "future",
                {
                    "activities_held": 4,
                    "newcomers_participating": 30,
                    "residents_participating": 14,
                    "volunteer_hours": 45,
                    "starts_paid_work": 3,
                    "starts_internship": 2,
                },
            ),
            Activity(
                "Begeleiding op de werkvloer",
                "future",
                {
                    "activities_held": 15,
                    "newcomers_participating": 8,
                    "residents_participating": 6,
                    "volunteer_hours": 60,
                },
            ),
        ),
        indicators={
            "new_contacts": 25,
            "bridges_to_employers_and_institutions": 20,
            "system_change_contributions": 2,
            "talents_made_visible": 8,
        },
        stories=(
            _s(
                "Geen sollicitatie, gewoon koffie",
                "Ik was bang voor een sollicitatiegesprek. Dit was anders. We praatten over "
                "voetbal en over de haven. Twee weken later mocht ik een dag meelopen.",
                "newcomer",
                "future",
                "work_and_learning",
                "more_than_a_refugee",
                "Hij werd gezien als vakman, niet als dossier.",
            ),
            _s(
                "Wij moesten ook veranderen",
                "Onze vacatureteksten vroegen om perfect Nederlands. Na de koffieochtend "
                "hebben we gekeken wat echt nodig is. Nu werken er twee nieuwe collega's in "
                "de planning.",
                "employer",
                "future",
                "system_change",
                None,
                "Het bedrijf wil andere werkgevers aansporen hetzelfde te doen.",
            ),
            _s(
                "De talkshow bracht hem",
                "Hij was gast bij de talkshow en wilde daarna aan het werk. Omdat we elkaar al "
                "kenden, was de eerste koffie meteen vertrouwd.",
                "partner",
                "future",
                "continuity",
                "warm_relationships",
                "Doorgeven werkt als mensen elkaar kennen.",
            ),
            _s(
                "Een verborgen boekhouder",
                "Aan tafel bleek dat zij twintig jaar de boeken deed van een groot bedrijf. "
                "Niemand in de opvang had het ooit gevraagd.",
                "volunteer",
                "future",
                "hidden_talents",
                "more_than_a_refugee",
                "Hij schrok hoe lang een talent onzichtbaar kan blijven.",
            ),
        ),
        reflections={
            "roles_shifted": (
                "Een nieuwkomer die vorig jaar via ons begon, zit nu aan tafel als werkgever "
                "van een eigen schoonmaakbedrijf.",
            ),
            "changed_from_input": (
                "Nieuwkomers vroegen om ochtenden per sector, zodat gesprekken concreter worden.",
                "Werkgevers en nieuwkomers krijgen nu van tevoren dezelfde uitleg; eerst "
                "kregen alleen de werkgevers die.",
            ),
            "funder_tension": (
                "Financiers willen plaatsingen tellen. Een goed gesprek dat nergens toe leidt, "
                "verandert soms meer aan een werkgever dan een plaatsing.",
            ),
            "continuity_handovers": (
                "Met de talkshow en de leerwerkkeuken gaan de overdrachten goed. Met de "
                "digitale buurtkring zoeken we nog hoe je online iemand warm doorgeeft.",
            ),
        },
        growth=1.05,
        dip=(5, 0.6),
        dip_note="Twee werkgevers haakten af door een reorganisatie, dus minder ochtenden.",
        lasting_share=0.35,
        formal=(
            (
                "Havenlogistiek Maasoever",
                "employer",
                "collaboration",
                2,
                0,
                7,
                "future",
                "Meelopen en werkplekken in de logistiek.",
            ),
            (
                "Bouwbedrijf Stevig Fundament",
                "employer",
                "collaboration",
                1,
                3,
                7,
                "future",
                "Gesprekken over werving zonder cv.",
            ),
            (
                "Gemeente Rotterdam",
                "municipality",
                "advisory_role",
                1,
                2,
                7,
                "future",
                "Meedenken over werkgeversdienstverlening voor nieuwkomers.",
            ),
            (
                "Maasfonds Samenleven",
                "fund",
                "co_funding",
                1,
                0,
                7,
                None,
                "Bijdrage in de begeleiding op de werkvloer.",
            ),
        ),
    ),
    Spec(
        initiative_id="brug-en-bedrijf",
        name="Brug en Bedrijf",
        city="Utrecht",
        founded_year=2019,
        organisation_form="foundation",
        phases=("none", "none", "primary"),
        lang="en",
        group="utrecht",
        mission=(
            "We match entrepreneurs with refugee initiatives, based on what they can offer: "
            "expertise, a network, a workplace or materials. We start with information "
            "evenings that replace headlines with real stories, and we stay until an "
            "entrepreneur has found a role that suits them."
        ),
        intentions=(
            "Find entrepreneurs outside the usual circle of consultancies.",
            "Let newcomer entrepreneurs co-host the information evenings.",
            "Stay in touch with entrepreneurs after the first match.",
            "Bring a second group of employers to the traineeships.",
        ),
        own=(
            OwnIndicator(
                "own_entrepreneurs_staying",
                "Entrepreneurs still involved after a year",
                "Entrepreneurs matched a year or more ago who still play a role in an initiative.",
                "relational",
                "count",
                "future",
                6,
            ),
        ),
        activities=(
            Activity(
                "Entrepreneur matches",
                "future",
                {
                    "activities_held": 6,
                    "newcomers_participating": 4,
                    "residents_participating": 7,
                    "volunteer_hours": 40,
                    "starts_internship": 1.2,
                    "starts_paid_work": 1,
                },
            ),
            Activity(
                "Information evenings",
                "future",
                {
                    "activities_held": 2,
                    "newcomers_participating": 6,
                    "residents_participating": 30,
                    "volunteer_hours": 20,
                },
            ),
        ),
        indicators={
            "new_contacts": 8,
            "bridges_to_employers_and_institutions": 7,
            "system_change_contributions": 1.5,
            "newcomers_in_lead_roles": 1.5,
        },
        stories=(
            _s(
                "I came to give, I stayed to learn",
                "I thought I would donate some laptops. Instead a newcomer entrepreneur showed "
                "me how she built a catering business with almost nothing. I have rethought how "
                "I hire.",
                "employer",
                "future",
                "reciprocity",
                "system_change",
                "He wants other entrepreneurs to know that they receive too.",
            ),
            _s(
                "Co-hosting the evening",
                "I run my own tailoring studio. This time I co-hosted the information evening. "
                "The questions were different when someone like me stood in front.",
                "newcomer",
                "future",
                "role_shift",
                "hidden_talents",
                "She wants to be seen as an entrepreneur, not as a target group.",
            ),
            _s(
                "A match that lasted",
                "A logistics firm we matched last year now offers two traineeship places each "
                "round, with the traineeship team in the same city.",
                "coordinator",
                "future",
                "continuity",
                "work_and_learning",
                "It shows that matching is a relationship, not a transaction.",
                6,
            ),
            _s(
                "Beyond the headlines",
                "I only knew refugees from the news. At the evening I sat next to a former "
                "pharmacist. We talked about regulations for an hour, as colleagues.",
                "partner",
                "future",
                "more_than_a_refugee",
                None,
                "The headline picture made room for a person.",
            ),
        ),
        reflections={
            "roles_shifted": (
                "Newcomer entrepreneurs now co-host the evenings and advise other entrepreneurs.",
            ),
            "changed_from_input": (
                "Initiatives asked us for fewer one-off donations and more long-term partners. "
                "We now only match when an entrepreneur commits for a year.",
            ),
            "funder_tension": (
                "Our sponsor wanted a number of matches per quarter. Fewer, better matches "
                "last longer.",
            ),
            "continuity_handovers": (
                "With the traineeship team we share employers; they take over once an "
                "entrepreneur offers a workplace.",
            ),
        },
        growth=1.05,
        dip=(3, 0.6),
        dip_note="Fewer evenings: our coordinator was away for two months.",
        season=False,
        lasting_share=0.55,
        formal=(
            (
                "Ondernemerskring Domstad",
                "employer",
                "collaboration",
                2,
                0,
                7,
                "future",
                "Entrepreneurs' network that hosts the information evenings.",
            ),
            ("Fonds Gedeelde Stad", "fund", "co_funding", 1, 0, 7, None, "Core funding."),
            (
                "Gemeente Utrecht",
                "municipality",
                "learning_exchange",
                1,
                4,
                7,
                "future",
                "Sharing what entrepreneurs need to take part.",
            ),
        ),
    ),
    Spec(
        initiative_id="leerkring-anders-kijken",
        name="Leerkring Anders Kijken",
        city="Amsterdam",
        founded_year=2020,
        organisation_form="association",
        phases=("none", "secondary", "primary"),
        lang="nl",
        group="amsterdam",
        mission=(
            "Een leergemeenschap van ervaringsdeskundigen, initiatieven en formele "
            "organisaties. Samen onderzoeken we waar regels en routines nieuwkomers klein "
            "houden, en wat organisaties zelf kunnen veranderen. Nieuwkomers zitten aan tafel "
            "als adviseur, niet als casus."
        ),
        intentions=(
            "Een vaste groep ervaringsdeskundigen opbouwen die betaald adviseert.",
            "Leersessies met de gemeente over de eerste maanden na aankomst.",
            "Initiatieven buiten Amsterdam betrekken bij de leerkring.",
            "Opschrijven wat organisaties veranderden, in hun eigen woorden.",
        ),
        own=(
            OwnIndicator(
                "eigen_aangepaste_werkwijzen",
                "Aangepaste werkwijzen",
                "Werkwijzen, formulieren of regels die een organisatie aanpaste na een leersessie.",
                "process",
                "count",
                "future",
                1.5,
            ),
        ),
        activities=(
            Activity(
                "Leersessie met organisaties",
                "future",
                {
                    "activities_held": 3,
                    "newcomers_participating": 6,
                    "residents_participating": 14,
                    "volunteer_hours": 36,
                },
            ),
            Activity(
                "Werkplaats ervaringsdeskundigen",
                "landing",
                {
                    "activities_held": 5,
                    "newcomers_participating": 7,
                    "residents_participating": 2,
                    "volunteer_hours": 25,
                },
            ),
        ),
        indicators={
            "system_change_contributions": 4,
            "reflection_moments": 4,
            "newcomers_in_lead_roles": 4,
            "changes_from_participant_input": 1.5,
            "bridges_to_employers_and_institutions": 5,
        },
        stories=(
            _s(
                "Het formulier werd korter",
                "In de leersessie lieten ervaringsdeskundigen zien hoe een intakeformulier voelt "
                "als je net binnen bent. De afdeling heeft het formulier van twaalf naar vier "
                "vragen teruggebracht.",
                "partner",
                "future",
                "system_change",
                "role_shift",
                "De organisatie zag zichzelf door andere ogen.",
            ),
            _s(
                "Adviseur, geen casus",
                "Jarenlang vertelde ik mijn verhaal aan mensen achter een bureau. Nu zit ik aan "
                "dezelfde kant van de tafel en word ik betaald voor mijn advies.",
                "newcomer",
                "future",
                "role_shift",
                "more_than_a_refugee",
                "Hij wil dat zijn kennis als kennis telt.",
            ),
            _s(
                "Leren van elkaar",
                "De buurtkamer uit Utrecht en de koffieochtenden uit Rotterdam kwamen voor het "
                "eerst samen in onze kring. Ze bleken dezelfde vragen te hebben over wat "
                "financiers van hen vragen.",
                "coordinator",
                "future",
                "system_change",
                "continuity",
                "Initiatieven staan sterker als ze samen leren.",
                5,
            ),
            _s(
                "Stilte in de kring",
                "Een ambtenaar vroeg wat wij van de gemeente nodig hebben. Een deelnemer zei: "
                "dat u langer luistert voordat u iets oplost. Het bleef even stil.",
                "volunteer",
                "landing",
                "slowed_down_space",
                "system_change",
                "Vertragen werd een opdracht voor de organisatie zelf.",
            ),
        ),
        reflections={
            "roles_shifted": (
                "Ervaringsdeskundigen leidden de leersessies; de ambtenaren schreven mee.",
            ),
            "changed_from_input": (
                "Deelnemers wilden betaald worden voor hun advies, net als andere adviseurs. "
                "Dat is nu zo.",
                "We houden de sessies niet meer op het gemeentehuis maar in een buurthuis.",
            ),
            "funder_tension": (
                "Het fonds wil resultaten per sessie. Verandering in een organisatie duurt "
                "vaak langer dan een subsidieperiode.",
            ),
            "continuity_handovers": (
                "Met de digitale buurtkring delen we wat we leren. Initiatieven buiten "
                "Amsterdam kennen ons nog nauwelijks.",
                "Met de digitale buurtkring delen we wat we leren; sinds dit jaar doen ook de "
                "buurtkamer in Utrecht en de koffieochtenden in Rotterdam mee.",
            ),
        },
        growth=1.05,
        dip=(1, 0.6),
        dip_note="De gemeente stelde twee leersessies uit door een reorganisatie.",
        season=True,
        formal=(
            (
                "Gemeente Amsterdam",
                "municipality",
                "advisory_role",
                2,
                0,
                7,
                "future",
                "Leersessies over de eerste maanden na aankomst.",
            ),
            (
                "COA-locatie Amsterdam",
                "coa",
                "learning_exchange",
                1,
                2,
                7,
                "arrival",
                "Wat ervaringsdeskundigen terugzien van de opvang.",
            ),
            ("Amstelfonds", "fund", "co_funding", 1, 0, 7, None, "Vergoeding van adviseurs."),
            (
                "Hogeschool Zuidoever",
                "school",
                "learning_exchange",
                1,
                3,
                7,
                "future",
                "Een gastles voor toekomstige ambtenaren en hulpverleners.",
            ),
        ),
    ),
)

# Referrals between initiatives: (from, to, base count, first quarter, last quarter, phase of
# the people referred, what the sender writes, what the receiver writes). Arrival-phase
# initiatives refer out to landing-phase ones, landing to future.
REFERRALS: tuple[tuple, ...] = (
    (
        "gastvrij-dak",
        "buurtkamer-lindeboom",
        3,
        0,
        7,
        "landing",
        "Gasten die na het logeren de buurt willen leren kennen.",
        "Oud-gasten van de gastgezinnen, met een vrijwilliger erbij.",
    ),
    (
        "gastvrij-dak",
        "digitale-buurtkring",
        2,
        0,
        7,
        "landing",
        "Gasten die verhuizen en contact willen houden.",
        "Former guests of host families who moved to another town.",
    ),
    (
        "buurtwonen-noord",
        "tafelgesprek-live",
        2,
        0,
        7,
        "landing",
        "Bewoners die graag bij de talkshow willen zijn.",
        "Bewoners van het woonproject die mee wilden doen.",
    ),
    (
        "buurtwonen-noord",
        "digitale-buurtkring",
        2,
        1,
        7,
        "landing",
        "Bewoners die verhuisden en online contact houden.",
        "Residents of the housing project who moved on.",
    ),
    (
        "buurtwonen-noord",
        "keuken-van-morgen",
        1,
        2,
        7,
        "future",
        "Bewoners die in de horeca willen werken.",
        "Bewoners van het woonproject die een traject wilden.",
    ),
    (
        "buurtkamer-lindeboom",
        "groeiplek",
        2,
        0,
        7,
        "future",
        "Bezoekers die toe zijn aan werk.",
        "Bezoekers van het taalcafé die werk zoeken.",
    ),
    (
        "buurtkamer-lindeboom",
        "brug-en-bedrijf",
        1,
        3,
        7,
        "future",
        "Bezoekers met een eigen bedrijfsidee.",
        "Visitors with a business idea of their own.",
    ),
    (
        "tafelgesprek-live",
        "koffie-met-werkgevers",
        2,
        0,
        7,
        "future",
        "Gasten van de show die werk zoeken.",
        "Gasten van de talkshow die aan het werk willen.",
    ),
    (
        "tafelgesprek-live",
        "keuken-van-morgen",
        1,
        1,
        7,
        "future",
        "Gasten die van koken hun vak willen maken.",
        "Gasten van de talkshow met een passie voor koken.",
    ),
    (
        "digitale-buurtkring",
        "groeiplek",
        2,
        0,
        7,
        "future",
        "Members in Utrecht looking for a traineeship.",
        "Leden van het online forum die een traineeship zoeken.",
    ),
    (
        "digitale-buurtkring",
        "koffie-met-werkgevers",
        2,
        0,
        7,
        "future",
        "Members in Rotterdam who want to meet employers.",
        "Leden van het online forum uit Rotterdam.",
    ),
    (
        "keuken-van-morgen",
        "koffie-met-werkgevers",
        2,
        2,
        7,
        "future",
        "Trainees aan het eind van hun traject.",
        "Trainees van de leerwerkkeuken die een baan zoeken.",
    ),
)

# Collaborations and learning exchanges between initiatives: (a, b, relation, base, first,
# last, phase, a's description, b's description). Recorded on both sides.
TIES: tuple[tuple, ...] = (
    (
        "brug-en-bedrijf",
        "groeiplek",
        "collaboration",
        2,
        0,
        7,
        "future",
        "Entrepreneurs who offer traineeship places.",
        "Ondernemers die een traineeplek aanbieden.",
    ),
    (
        "digitale-buurtkring",
        "leerkring-anders-kijken",
        "learning_exchange",
        1,
        0,
        7,
        "future",
        "Sharing what members tell us about the system.",
        "Wat leden van het forum ons vertellen over het systeem.",
    ),
    (
        "gastvrij-dak",
        "buurtkamer-lindeboom",
        "collaboration",
        1,
        2,
        7,
        "landing",
        "Samen een avond voor oud-gasten.",
        "Een gezamenlijke avond voor oud-gasten.",
    ),
    (
        "tafelgesprek-live",
        "buurtwonen-noord",
        "collaboration",
        1,
        0,
        3,
        "landing",
        "Een aflevering opgenomen in het woonproject.",
        "De talkshow was te gast in de gedeelde keuken.",
    ),
    # from 2025 the learning community reaches both local groups: a second bridge
    (
        "leerkring-anders-kijken",
        "buurtkamer-lindeboom",
        "learning_exchange",
        1,
        4,
        7,
        "landing",
        "De buurtkamer doet mee aan de leerkring.",
        "We doen mee aan de leerkring over financiers.",
    ),
    (
        "leerkring-anders-kijken",
        "koffie-met-werkgevers",
        "learning_exchange",
        1,
        5,
        7,
        "future",
        "Een leersessie over werving zonder cv.",
        "Een leersessie over werving zonder cv.",
    ),
)

# --------------------------------------------------------------------------------------------
# stories every initiative may tell, in Dutch: voices and themes that belong everywhere
# --------------------------------------------------------------------------------------------

GENERIC_STORIES: tuple[Story, ...] = (
    _s(
        "Iemand die er voor je is",
        "In de eerste weken wist ik niet wie ik moest vertrouwen. Bij jullie was er iemand die "
        "niet achter een bureau zat en gewoon terugbelde.",
        "newcomer",
        "arrival",
        "warm_relationships",
        "slowed_down_space",
        "Vertrouwen begon bij één persoon die bleef.",
    ),
    _s(
        "Niet meer alleen de vluchteling",
        "Hier vraagt niemand eerst naar mijn verblijfsvergunning. Ze vragen wat ik leuk vind. "
        "Ik ben weer iemand met een vak en met humor.",
        "newcomer",
        "landing",
        "more_than_a_refugee",
        "home_and_belonging",
        "Hij wil gezien worden als wie hij is.",
    ),
    _s(
        "Een stap terug",
        "Als vrijwilliger wilde ik alles regelen. Ik heb geleerd te wachten tot iemand zelf om "
        "hulp vraagt. Vaak regelt die het dan zelf.",
        "volunteer",
        "landing",
        "role_shift",
        "reciprocity",
        "Ze leerde dat helpen ook loslaten is.",
    ),
    _s(
        "Het teamoverleg ging over ons",
        "In ons overleg spraken we over wie eigenlijk beslist. We merkten dat de vrijwilligers "
        "alle knopen doorhakten. We hebben nu een deelnemer in het kernteam.",
        "coordinator",
        "landing",
        "role_shift",
        "system_change",
        "Meerstemmigheid begint in het eigen team.",
    ),
    _s(
        "Taal zonder les",
        "Ik leerde meer Nederlands aan de koffietafel dan in de les. Niemand verbeterde me, "
        "iedereen luisterde.",
        "newcomer",
        "landing",
        "language",
        "slowed_down_space",
        "Zonder angst voor fouten durfde ze te praten.",
    ),
    _s(
        "Warme overdracht",
        "We brachten een deelnemer zelf naar het volgende initiatief. De koffie stond klaar en "
        "ze wisten al wie er kwam.",
        "coordinator",
        "landing",
        "continuity",
        "warm_relationships",
        "Doorverwijzen is meer dan een telefoonnummer geven.",
    ),
    _s(
        "De buren kwamen kijken",
        "Eerst keken buren van een afstand. Nu brengen ze zelf iemand mee. De drempel is "
        "lager geworden voor iedereen.",
        "neighbour",
        "landing",
        "home_and_belonging",
        "warm_relationships",
        "De buurt is ook van de nieuwe bewoners.",
    ),
    _s(
        "Wat de gemeente van ons leerde",
        "Een medewerker van de gemeente kwam een middag meedoen. Ze zei na afloop dat ze nu "
        "anders kijkt naar de gesprekken op haar eigen spreekuur.",
        "partner",
        "future",
        "system_change",
        "reciprocity",
        "Het laat zien dat informele kennis ook formeel werk verandert.",
    ),
    _s(
        "Mijn eerste workshop",
        "Ik gaf een workshop over de kruiden uit mijn streek. Er kwamen meer mensen dan "
        "stoelen. Ik voelde me weer een vakvrouw.",
        "newcomer",
        "future",
        "hidden_talents",
        "reciprocity",
        "Ze kon eindelijk iets geven in plaats van ontvangen.",
    ),
    _s(
        "Vriendschap duurt langer dan een project",
        "Het project waar we elkaar leerden kennen is voorbij. We spreken elkaar nog elke "
        "week. Dat stond in geen enkel verslag.",
        "volunteer",
        "landing",
        "warm_relationships",
        "continuity",
        "Het belangrijkste resultaat is niet te tellen.",
    ),
    _s(
        "Even niets hoeven",
        "Op de middag zonder programma zaten we gewoon buiten. Een deelnemer zei dat het de "
        "eerste keer in maanden was dat niemand iets van hem wilde.",
        "volunteer",
        "landing",
        "slowed_down_space",
        None,
        "Rust is ook een opbrengst.",
    ),
    _s(
        "Een werkgever aan tafel",
        "Ik kwam om te helpen. Ik ging weg met twee nieuwe collega's en een andere blik op "
        "wat een goed sollicitatiegesprek is.",
        "employer",
        "future",
        "work_and_learning",
        "system_change",
        "Hij wil dat collega-werkgevers hetzelfde ervaren.",
    ),
    _s(
        "Samen de regels lezen",
        "We lazen met een groep deelnemers de subsidievoorwaarden. Zij vonden de woorden "
        "'doelgroep' en 'uitstroom' vreemd. We schrijven ons verslag nu samen.",
        "coordinator",
        "future",
        "system_change",
        "role_shift",
        "Het verhaal over het initiatief wordt nu door meer stemmen verteld.",
    ),
    _s(
        "Thuis is waar je gemist wordt",
        "Toen ik twee weken ziek was, kwamen er drie mensen langs met soep. Toen wist ik dat "
        "ik hier thuis ben.",
        "newcomer",
        "landing",
        "home_and_belonging",
        "warm_relationships",
        "Gemist worden betekent erbij horen.",
    ),
    _s(
        "Ernaast zitten",
        "We gingen samen naar het loket van de gemeente. Ik hoefde niets te zeggen; ik zat er "
        "alleen naast. Achteraf zei hij dat dat genoeg was.",
        "volunteer",
        "arrival",
        "warm_relationships",
        "slowed_down_space",
        "Ze leerde dat aanwezig zijn soms de hele hulp is.",
    ),
    _s(
        "Wij waren de gasten",
        "Voor het suikerfeest nodigden de nieuwe bewoners de hele straat uit. Voor één keer "
        "waren wij de gasten, en zij de gastheren.",
        "neighbour",
        "landing",
        "role_shift",
        "reciprocity",
        "Het draaide zijn beeld van wie hier wie verwelkomt om.",
    ),
    _s(
        "Mijn eerste Nederlandse grap",
        "Ik maakte een grap in het Nederlands en iedereen lachte. Niet om mij, maar om de grap. "
        "Toen voelde ik dat ik erbij hoorde.",
        "newcomer",
        "landing",
        "language",
        "home_and_belonging",
        "Humor in een nieuwe taal voelde als thuiskomen.",
    ),
)

# short notes on indicator values, in the initiatives' words
NOTES = {
    "nl": {
        "new_contacts": (
            "Veel nieuwe gezichten na de zomer.",
            "Vooral via mond-tot-mondreclame in de buurt.",
            "Minder dan anders: we hadden minder vrijwilligers.",
        ),
        "relationships_lasting_6m": (
            "Nagevraagd bij de deelnemers van twee kwartalen terug.",
            "Geteld als mensen elkaar nog minstens eens per maand zien.",
        ),
        "friendships_reported": (
            "Gevraagd tijdens de afsluitende bijeenkomst.",
            "Niet iedereen wilde de vraag beantwoorden; dat is prima.",
        ),
        "newcomers_in_lead_roles": (
            "Onder wie een nieuw bestuurslid.",
            "Gastvrouwen, organisatoren en een mentor.",
        ),
        "open_encounter_hours": (
            "Bewust tijd zonder programma vrijgehouden.",
            "Minder uren door de verbouwing.",
        ),
        "system_change_contributions": (
            "Een adviesgesprek met de gemeente en een gastles.",
            "Inbreng bij een nieuwe regeling van de gemeente.",
        ),
        "reflection_moments": ("Twee intervisies en een heidag.",),
        "talents_made_visible": ("Workshops door deelnemers en een expositie.",),
        "referrals_in": ("Opgeteld uit ons netwerkblad.",),
        "referrals_out": ("Steeds met een warme overdracht.",),
    },
    "en": {
        "new_contacts": (
            "Many new members after the summer.",
            "Mostly through word of mouth.",
        ),
        "relationships_lasting_6m": ("Asked of the members who joined two quarters ago.",),
        "newcomers_in_lead_roles": ("Moderators, co-hosts and one board member.",),
        "system_change_contributions": ("A learning session with the municipality.",),
        "referrals_out": ("Always with a personal introduction.",),
    },
}

RUBRIC_ANSWERS = {
    "nl": (
        "Zo zien we het nu, samen besproken in het team.",
        "Het gebeurt vaker dan vorig jaar, maar nog niet vanzelf.",
        "Hier zijn we nog zoekende.",
        "Andere initiatieven vragen ons hoe we dit doen.",
    ),
    "en": (
        "This is how we see it now, discussed with the team.",
        "It happens more often than last year, but not by itself yet.",
        "Still searching here.",
    ),
}

# the catalogue indicators each of the optional rows is derived from the network
_NETWORK_INDICATORS = ("referrals_in", "referrals_out", "collaborations_with_initiatives")

# --------------------------------------------------------------------------------------------
# generation
# --------------------------------------------------------------------------------------------


def _quarter_dates(year: int, q: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * q - 2, 1)
    nxt = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def _rng(*parts: object) -> random.Random:
    """A generator seeded by a string: stable across runs and independent per purpose."""
    return random.Random(":".join(str(p) for p in (SEED, *parts)))


def _levels(spec: Spec) -> dict[int, float]:
    """Activity level per quarter index (-2..7): growth, season, one dip, a little noise."""
    rng = _rng(spec.initiative_id, "levels")
    out = {}
    for t in range(-2, len(QUARTERS)):
        q = (t % 4) + 1
        level = spec.growth**t * (SEASON[q] if spec.season else 1.0)
        if t == spec.dip[0]:
            level *= spec.dip[1]
        out[t] = level * rng.uniform(0.9, 1.1)
    return out


def _count(base: float, level: float, rng: random.Random) -> int:
    return max(0, round(base * level * rng.uniform(0.85, 1.15)))


def _network_rows(spec: Spec, t: int, names: dict[str, str]) -> list[dict]:
    """The Network sheet of one initiative in quarter ``t``, consistent with the others'."""
    iid = spec.initiative_id
    rows: list[dict] = []
    for frm, to, base, first, last, phase, desc_out, desc_in in REFERRALS:
        if not first <= t <= last or iid not in (frm, to):
            continue
        rng = _rng("referral", frm, to, t)
        sent = max(1, round(base * rng.uniform(0.6, 1.5)))
        # the receiver counts roughly the same people: sometimes one did not arrive (yet)
        received = max(1, sent - (1 if rng.random() < 0.3 else 0))
        if iid == frm:
            rows.append(_net(names[to], "initiative", "referral_out", sent, phase, desc_out))
        else:
            rows.append(_net(names[frm], "initiative", "referral_in", received, phase, desc_in))
    for a, b, relation, base, first, last, phase, desc_a, desc_b in TIES:
        if not first <= t <= last or iid not in (a, b):
            continue
        rng = _rng("tie", a, b, t)
        n = max(1, round(base * rng.uniform(0.6, 1.6)))
        other, desc = (b, desc_a) if iid == a else (a, desc_b)
        rows.append(_net(names[other], "initiative", relation, n, phase, desc))
    for partner, ptype, relation, base, first, last, phase, desc in spec.formal:
        if not first <= t <= last:
            continue
        rng = _rng("formal", iid, partner, relation, t)
        if ptype == "employer" and rng.random() < 0.2:
            continue  # employers come and go
        n = max(1, round(base * rng.uniform(0.6, 1.6)))
        rows.append(_net(partner, ptype, relation, n, phase, desc))
    return rows


def _net(partner, ptype, relation, count, phase, description) -> dict:
    return {
        "partner": partner,
        "partner_type": ptype,
        "relation": relation,
        "count": int(count),
        "phase": phase,
        "description": description,
    }


def _frame(section: str, rows: list[dict]) -> pd.DataFrame:
    """Rows as a frame with exactly the section's columns, blanks as None."""
    cols = list(load_catalogue().section(section).column_codes)
    data = {c: pd.Series([r.get(c) for r in rows], dtype="object") for c in cols}
    return pd.DataFrame(data, columns=cols)


def _story_pool(spec: Spec) -> list[Story]:
    """The stories an initiative tells over time, in order: its own and the shared ones."""
    rng = _rng(spec.initiative_id, "stories")
    own = [s for s in spec.stories if s.quarter is None]
    # initiatives link to every phase; only those without any future work leave out the
    # shared stories about work and the formal system
    no_future = spec.phases[2] == "none"
    generic = [s for s in GENERIC_STORIES if not (no_future and s.phase == "future")]
    rng.shuffle(own)
    rng.shuffle(generic)
    pool: list[Story] = []
    while own or generic:  # interleave, so each quarter mixes own and shared stories
        if own:
            pool.append(own.pop())
        if generic:
            pool.append(generic.pop())
    return pool


def _stories(spec: Spec, pool: list[Story], cursor: int, t: int) -> tuple[list[dict], int]:
    rng = _rng(spec.initiative_id, "stories", t)
    start, end = _quarter_dates(*QUARTERS[t])
    pinned = [s for s in spec.stories if s.quarter == t]
    n = max(len(pinned), rng.choice((1, 2, 2, 3)))
    chosen = list(pinned)
    while len(chosen) < n:
        chosen.append(pool[cursor % len(pool)])
        cursor += 1
    days = sorted(rng.sample(range((end - start).days + 1), n))
    rows = []
    for d, s in zip(days, chosen, strict=True):
        rows.append(
            {
                "date": start + dt.timedelta(days=d),
                "title": s.title,
                "text": s.text,
                "voice": s.voice,
                "phase": s.phase,
                "theme": s.theme,
                "theme_2": s.theme_2,
                "why_it_matters": s.why,
                "consent_recorded": "yes",
                "visibility": rng.choice(("initiative", "funders", "funders", "public")),
            }
        )
    return rows, cursor


def _indicator_rows(
    spec: Spec,
    t: int,
    levels: dict[int, float],
    network: list[dict],
) -> list[dict]:
    cat = load_catalogue()
    rng = _rng(spec.initiative_id, "indicators", t)
    notes = NOTES[spec.lang]
    primary = ("arrival", "landing", "future")[spec.phases.index("primary")]
    rows: list[dict] = []

    def row(code: str, value=None, numerator=None, denominator=None) -> None:
        phases = cat.indicator(code).phases
        phase = primary if primary in phases and primary != phases[0] else None
        note = None
        if code in notes and rng.random() < 0.35:
            note = rng.choice(notes[code])
        rows.append(
            {
                "indicator": code,
                "phase": phase,
                "value": value,
                "numerator": numerator,
                "denominator": denominator,
                "note": note,
            }
        )

    def contacts(tt: int) -> int:
        base = spec.indicators.get("new_contacts", 0)
        return _count(base, levels[tt], _rng(spec.initiative_id, "contacts", tt))

    for code, base in spec.indicators.items():
        if code == "friendships_reported":
            asked = max(4, _count(12, levels[t], rng))
            told = min(asked, round(asked * base * rng.uniform(0.8, 1.2)))
            row(code, None, told, asked)
        elif code == "new_contacts":
            row(code, contacts(t))
            # contacts made two quarters ago: a fraction of them lasts six months
            lasting = round(contacts(t - 2) * spec.lasting_share * rng.uniform(0.8, 1.15))
            row("relationships_lasting_6m", min(lasting, contacts(t - 2)))
        elif code in ("open_encounter_hours",):
            row(code, round(base * levels[t] * rng.uniform(0.9, 1.1), 1))
        else:
            row(code, _count(base, levels[t], rng))

    referrals_in = sum(r["count"] for r in network if r["relation"] == "referral_in")
    referrals_out = sum(r["count"] for r in network if r["relation"] == "referral_out")
    partners = {
        r["partner"]
        for r in network
        if r["partner_type"] == "initiative"
        and r["relation"] in ("collaboration", "learning_exchange")
    }
    if referrals_in:
        row("referrals_in", referrals_in)
    if referrals_out:
        row("referrals_out", referrals_out)
    if partners:
        row("collaborations_with_initiatives", len(partners))

    if t == spec.dip[0] and spec.dip_note and rows:
        rows[0]["note"] = spec.dip_note  # the number travels with its story

    for own in spec.own:
        orng = _rng(spec.initiative_id, own.code, t)
        if own.unit == "share":
            asked = max(5, _count(20, levels[t], orng))
            told = min(asked, round(asked * own.base * orng.uniform(0.8, 1.25) * (1 + t / 20)))
            values = {"numerator": told, "denominator": asked}
        elif own.unit == "rubric":
            values = {"value": min(4, int(own.base) + t // 3)}
        elif own.unit == "hours":
            values = {"value": round(own.base * levels[t] * orng.uniform(0.9, 1.1), 1)}
        else:
            values = {"value": _count(own.base, levels[t] * (1 + t / 16), orng)}
        rows.append(
            {
                "indicator": own.code,
                "phase": None,
                "value": values.get("value"),
                "numerator": values.get("numerator"),
                "denominator": values.get("denominator"),
                "note": own.note if own.note and orng.random() < 0.5 else None,
            }
        )
    return rows


def _activity_rows(spec: Spec, t: int, levels: dict[int, float]) -> list[dict]:
    rows = []
    for a in spec.activities:
        if t < a.first:
            continue
        rng = _rng(spec.initiative_id, "activity", a.name, t)
        row: dict = {"activity_type": a.name, "phase": a.phase}
        for col, base in a.base.items():
            if col in ("volunteer_hours", "language_practice_hours"):
                row[col] = round(base * levels[t] * rng.uniform(0.85, 1.15), 1)
            elif col.startswith("starts_"):
                # few people, moving slowly: these counts are often under five
                row[col] = max(0, round(base * (1 + t / 10) * rng.uniform(0.5, 1.4)))
            else:
                row[col] = _count(base, levels[t], rng)
        rows.append(row)
    return rows


def _reflection_rows(spec: Spec, t: int) -> list[dict]:
    rng = _rng(spec.initiative_id, "reflection", t)
    cat = load_catalogue()
    questions = cat.choices("reflection_questions").choices
    open_qs = [q.code for q in questions if q.extra.get("kind") == "open"]
    rubric_qs = [q.code for q in questions if q.extra.get("kind") == "rubric"]
    rows = []
    chosen = sorted(rng.sample(open_qs, rng.choice((2, 3, 4))), key=open_qs.index)
    for q in chosen:
        answers = spec.reflections[q]  # in time order: the later answers come later
        rows.append({"question": q, "answer": answers[t * len(answers) // len(QUARTERS)]})
    if t % 2 == 1 or rng.random() < 0.3:
        for q in sorted(rng.sample(rubric_qs, rng.choice((1, 2, 3))), key=rubric_qs.index):
            # a self-view moves slowly: a starting step, and one step up at some point
            view = _rng(spec.initiative_id, "self_view", q)
            first, grows_at = view.choice((1, 2, 2, 3)), view.randrange(2, 9)
            step = min(4, first + (t >= grows_at))
            answer = rng.choice(RUBRIC_ANSWERS[spec.lang]) if rng.random() < 0.6 else None
            rows.append({"question": q, "answer": answer, "self_view": str(step)})
    return rows


def _report(spec: Spec, t: int, levels, pool, cursor, names) -> tuple[Report, int]:
    rng = _rng(spec.initiative_id, "profile", t)
    start, end = _quarter_dates(*QUARTERS[t])
    arrival, landing, future = spec.phases
    profile = {
        "initiative_id": spec.initiative_id,
        "name": spec.name,
        "city": spec.city,
        "founded_year": spec.founded_year,
        "organisation_form": spec.organisation_form,
        "phase_arrival": arrival,
        "phase_landing": landing,
        "phase_future": future,
        "period_start": start,
        "period_end": end,
        "mission": spec.mission,
        "intentions": spec.intentions[t // 2 % len(spec.intentions)],
        "written_with": rng.choice(
            ("coordinator", "with_volunteers", "with_newcomers", "with_newcomers_and_volunteers")
        ),
    }
    own = [
        {
            "indicator": o.code,
            "label": o.label,
            "definition": o.definition,
            "dimension": o.dimension,
            "unit": o.unit,
            "phase": o.phase,
        }
        for o in spec.own
    ]
    network = _network_rows(spec, t, names)
    stories, cursor = _stories(spec, pool, cursor, t)
    report = Report(
        profile=_frame("profile", [profile]),
        own_indicators=_frame("own_indicators", own),
        activities=_frame("activities", _activity_rows(spec, t, levels)),
        indicators=_frame("indicators", _indicator_rows(spec, t, levels, network)),
        stories=_frame("stories", stories),
        network=_frame("network", network),
        reflection=_frame("reflection", _reflection_rows(spec, t)),
    )
    return report, cursor


def sample_reports() -> list[Report]:
    """All sample reports: per initiative (in the order of ``SPECS``), per quarter."""
    names = {s.initiative_id: s.name for s in SPECS}
    reports = []
    for spec in SPECS:
        levels = _levels(spec)
        pool = _story_pool(spec)
        cursor = 0
        for t in range(len(QUARTERS)):
            report, cursor = _report(spec, t, levels, pool, cursor, names)
            reports.append(report)
    return reports


def workbook_language(initiative_id: str) -> str:
    """The language an initiative's workbooks are written in (two write in English)."""
    return next(s.lang for s in SPECS if s.initiative_id == initiative_id)


def workbook_path(out_dir: Path, report: Report) -> Path:
    """``<out>/<id>/<id>_<YYYY>-Q<n>.xlsx``."""
    iid = report.initiative_id
    return Path(out_dir) / iid / f"{iid}_{report.period}.xlsx"


def known_initiatives() -> dict[str, str]:
    """Folded ids and names of the sample initiatives -> id, for ``Report.to_tidy``."""
    from evaluation.catalogue import fold

    out = {}
    for s in SPECS:
        out[fold(s.initiative_id)] = s.initiative_id
        out[fold(s.name)] = s.initiative_id
    return out


def write_sample_data(out_dir: str | Path, initiatives: Iterable[str] | None = None) -> list[Path]:
    """Write every sample workbook under ``out_dir`` (or only those of ``initiatives``); the
    paths written, in order. An unknown initiative id is a ``UserError``."""
    from evaluation.template import write_report

    wanted = set(initiatives or ())
    unknown = sorted(wanted - {s.initiative_id for s in SPECS})
    if unknown:
        raise UserError(
            "sample.unknown_initiative",
            initiative=", ".join(unknown),
            known=", ".join(sorted(s.initiative_id for s in SPECS)),
        )
    out = Path(out_dir)
    paths = []
    for report in sample_reports():
        if wanted and report.initiative_id not in wanted:
            continue
        path = workbook_path(out, report)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_report(report, path, workbook_language(report.initiative_id))
        paths.append(path)
    return paths
