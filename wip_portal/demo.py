"""Demo data built from the real programmes the portal serves (their public descriptions are
in the seeds): Films in Progress, Ibermedia and the GIFF + IMCINE Bilateral Forum, with
an open call each, a past edition, and one account per role. Films in Progress also has a
first call, closed, whose fourteen applications its jury is scoring, and the latest
edition whose year is over: ten applications, the selection locked, every result sent, the
producers' answers (a place declined went to the waiting list) and both sessions public.

The one rule: create what is missing, leave what exists untouched. Objects are found by
their natural keys (programme slug, edition slug within its programme, session city within
its edition, call title within its edition, user email), so running it again changes
nothing, and nothing the staff changed by hand is overwritten. Dates are computed from
today, so a fresh demo always has open calls and coming sessions.

The jury's round is found by its name within the edition and built whole when it is
missing: its projects, conflict, assignments and reviews go in with it, and are never
added again to a round that exists (staff may have changed it since). That last edition's
results go the same way: built whole, through the services, when its edition has no selection."""

import datetime as dt
import functools
import io
import random
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django_countries import countries
from PIL import Image, ImageDraw

from accounts.models import User
from editions import services as edition_services
from editions.models import (
    Call,
    Edition,
    EditionState,
    Material,
    ProductionStage,
    Programme,
    Session,
    SubtitleLanguage,
)
from juries import publication, results
from juries import services as jury_services
from juries.models import (
    Answer,
    JuryMember,
    Phase,
    PlacementKind,
    Recommendation,
    ResultNotice,
    Round,
    RoundKind,
    Selection,
)
from submissions import services as submission_services
from submissions import uploads
from submissions.images import process_still
from submissions.models import (
    CompanyRole,
    Cut,
    Director,
    Gender,
    Genre,
    PostProductionItem,
    PostProductionNeed,
    PremiereStatus,
    ProducerProfile,
    Project,
    ProjectCompany,
)
from submissions.uploads import STILL_MIN_SIDE

DEMO_PASSWORD = "demo-portal-2027"  # noqa: S105 - published: demo accounts only  # nosec B105
DEMO_DOMAIN = "demo.wip-portal.org"

# The twenty countries of Latin America (Films in Progress is for Latin American films).
LATIN_AMERICA = [
    "AR", "BO", "BR", "CL", "CO", "CR", "CU", "DO", "EC", "GT",
    "HN", "HT", "MX", "NI", "PA", "PE", "PY", "SV", "UY", "VE",
]  # fmt: skip

# Ibermedia's 19 member countries, as its own presentation lists them.
IBERMEDIA_MEMBERS = [
    "AR", "BO", "BR", "CO", "CR", "CU", "CL", "DO", "EC", "GT",
    "MX", "PA", "PY", "PE", "PT", "PR", "ES", "UY", "VE",
]  # fmt: skip

FILMS_IN_PROGRESS_ALUMNI = [
    ("Tony Manero", "Pablo Larraín"),
    ("Gloria", "Sebastián Lelio"),
    ("Sangre", "Amat Escalante"),
    ("La sombra del caminante", "Ciro Guerra"),
    ("Los Perros", "Marcela Said"),
    ("Ixcanul", "Jayro Bustamante"),
    ("La Familia", "Gustavo Rondón Córdova"),
    ("Los tiburones", "Lucía Garibaldi"),
    ("Los silencios", "Beatriz Seigner"),
]

FILMS_IN_PROGRESS_DESCRIPTION = """\
In 2002, San Sebastián Film Festival and the Rencontres Cinémas d'Amérique Latine de \
Toulouse went into partnership to organise a “Films in Progress” section dedicated to \
independent Latin American feature films unable to complete the postproduction stage due to \
a lack of means.

In 2020, this double event was organised jointly with Lima Film Festival PUCP and presented \
an annual selection of 12 works-in-progress in two sections: 6 films in March in Toulouse \
and 6 films in August in Lima.

This initiative is the answer to an urgent request from Latin American producers and \
directors who are facing difficulties finalising their films due to a lack of funding. There \
very frequently exists a disparity between a director’s creativity and the funds available \
to these directors.

Films in Progress propels the meeting and cooperation between producers of the selected \
works-in-progress and European partners to enable the films to reach screens and audiences. \
These two sessions contain more than 300 professionals who are among the most influential in \
Europe and internationally. Therefore, Films in Progress is the unmissable strategic meeting \
with Latin American films and professionals connected to Latin America.

Over the last few years, Films in Progress has efficiently contributed to the finalisation, \
distribution and commercialisation of the most noteworthy Latin American films: Tony Manero \
by Pablo Larraín, Gloria by Sebastián Lelio, Sangre by Amat Escalante, La sombra del caminante \
by Ciro Guerra, Los Perros by Marcela Said, Ixcanul by Jayro Bustamante, La Familia by \
Gustavo Rondón Córdova, Los tiburones by Lucía Garibaldi, Los silencios by Beatriz Seigner, \
among others.

By bringing together film professionals capable of contributing to those films’ \
post-production, and by encouraging distributors and promoters to diversify their offer, \
Cinélatino, Rencontres de Toulouse hope to develop and strengthen, with as much pragmatism \
and efficiency as possible, the respect for the promotion of cultural diversity based on a \
spirit of solidarity and cooperation."""

IBERMEDIA_DESCRIPTION = """\
Iberoamerica has its own way of telling stories. Of telling itself, of explaining itself. \
Cinema, this truth that runs 24 times per second, as Godard wanted, found in Latin America, \
Spain and Portugal expression forms that get closer to bolero, tango, cante jondo or fado. \
Also to melodrama and soup opera, and to the chroniclers of the Indies, to the novels of \
García Márquez, Vargas Llosa or Bolaño.

That is why, in 1996, the establishment of Ibermedia was endorsed at an Ibero-American Summit \
of Heads of State and Government held on Isla Margarita, in Venezuela.

Ibermedia is a programme to stimulate the co-production of fiction and documentary films \
produced in our community, which is composed of 19 countries: Argentina, Bolivia, Brazil, \
Colombia, Costa Rica, Cuba, Chile, Dominican Republic, Ecuador, Guatemala, Mexico, Panama, \
Paraguay, Peru, Portugal, Puerto Rico, Spain, Uruguay and Venezuela.

Our aim is to work for the creation of a new audio visual Iberoamerican space by means of \
financial assistance and calls open to all independent film producers of the member \
countries of Latin America, Spain and Portugal.

Ibermedia promotes film excellence in the community, encourages the implementation of audio \
visual market-driven projects, promotes networking in producer companies to boost \
co-productions and helps the continuous training of the production and business management \
professionals through workshops, scholarships or seminars, encouraging solidarity-based \
cooperation and the use of new technologies.

Since Ibermedia logo appeared for the first time in 1998, we have launched 22 calls to \
support 636 co-production projects, we have contributed to releasing 298 films and awarded \
2,700 training scholarships in all the community member countries."""

GIFF_DESCRIPTION = """\
The Guanajuato International Film Festival and the Mexican Film Institute, in keeping with \
the spirit that motivates both institutions and our commitment to nurturing and supporting \
diversity, creativity and fresh new developments in Mexico and the world, are proud to \
present this, the 9th installment of our Bilateral Forum, aimed at creating an open space \
for collaboration among the international film community. This time around the Forum will \
include the participation of film industry representatives from Japan and Mexico, who will \
come together to explore opportunity areas that will enable them to strengthen and create \
new spaces. Recent years have also seen an interest in co-production and cooperation between \
both countries, a trend that GIFF and IMCINE, along with our Japanese colleagues and \
counterparts, wish to strengthen and support.

We will promote a space to share and identify the differences and similarities in each \
country’s film production process. This conversation will open up an exchange of ideas to \
stimulate filmmaking in both industries."""


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    full_name: str
    language: str = "en"
    superuser: bool = False


ACCOUNTS = {
    "admin": DemoAccount(
        "Administrator (all programmes)", f"admin@{DEMO_DOMAIN}", "Ada Admin", superuser=True
    ),
    "staff": DemoAccount("Staff, Films in Progress", f"staff@{DEMO_DOMAIN}", "Claire Martin", "fr"),
    "ibermedia_staff": DemoAccount(
        "Staff, Ibermedia", f"ibermedia-staff@{DEMO_DOMAIN}", "Diego Álvarez", "es"
    ),
    "producer_es": DemoAccount(
        "Producer (Spanish)", f"producer-es@{DEMO_DOMAIN}", "Valentina Ríos", "es"
    ),
    "producer_pt": DemoAccount(
        "Producer (Portuguese)", f"producer-pt@{DEMO_DOMAIN}", "João Ferreira", "pt"
    ),
    "producer_fr": DemoAccount(
        "Producer (French)", f"producer-fr@{DEMO_DOMAIN}", "Camille Laurent", "fr"
    ),
    "juror_president": DemoAccount(
        "Jury president, Films in Progress", f"juror-1@{DEMO_DOMAIN}", "Elena Márquez"
    ),
    "juror_2": DemoAccount("Juror, Films in Progress", f"juror-2@{DEMO_DOMAIN}", "Tomás Herrera"),
    "juror_3": DemoAccount("Juror, Films in Progress", f"juror-3@{DEMO_DOMAIN}", "Julie Bernard"),
}


@dataclass
class DemoReport:
    """What a run created (empty on a second run) and the accounts to sign in with."""

    created: list[str] = field(default_factory=list)
    accounts: list[DemoAccount] = field(default_factory=lambda: list(ACCOUNTS.values()))
    password: str = DEMO_PASSWORD


# --- The jury demo of Films in Progress ----------------------------------------------------
# Fourteen invented works in progress (the real alumni belong to the archived edition),
# applied to a first call that closed two weeks ago and now scored by the jury.


@dataclass(frozen=True)
class DemoProducer:
    """A producer whose applications fill the jury demo. These accounts cannot sign in:
    they have no usable password."""

    email: str
    full_name: str
    language: str
    company: str
    country: str
    address: str
    phone: str


DEMO_PRODUCERS = {
    "pampa_norte": DemoProducer(
        f"producer-1@{DEMO_DOMAIN}",
        "Lucía Benavides",
        "es",
        "Pampa Norte Films",
        "CL",
        "Av. Italia 1250, Providencia, Santiago",
        "+56 2 2345 6789",
    ),
    "cienaga": DemoProducer(
        f"producer-2@{DEMO_DOMAIN}",
        "Rafael Quintero",
        "es",
        "Ciénaga Cine",
        "CO",
        "Calle 45 # 13-22, Bogotá",
        "+57 601 345 6789",
    ),
    "cajuina": DemoProducer(
        f"producer-3@{DEMO_DOMAIN}",
        "Beatriz Nogueira",
        "pt",
        "Cajuína Filmes",
        "BR",
        "Rua da Aurora 325, Boa Vista, Recife - PE",
        "+55 81 3224 5678",
    ),
    "volcan": DemoProducer(
        f"producer-4@{DEMO_DOMAIN}",
        "Ximena Ortega",
        "es",
        "Cine Volcán",
        "MX",
        "Calle Colima 180, Roma Norte, Ciudad de México",
        "+52 55 5264 7890",
    ),
}


@dataclass(frozen=True)
class DemoApplication:
    """An application of the jury demo, complete and eligible for the first call.

    `companies` are (name, country, share), the first being the producing company;
    `directors` are (name, nationality, gender, previous features, biography); `needs`
    are (post-production need, amount); `jurors` names the demo jurors assigned to it
    ("1" is the president; none in an edition without a round); `sky` and `ground` colour
    its still."""

    original_title: str
    english_title: str
    producer: str
    genre: str
    languages: str
    expected_runtime: int
    stage: str
    runtime: int
    logline: str
    short_synopsis: str
    more_synopsis: str
    director_statement: str
    currency: str
    total_budget: int
    secured_amount: int
    companies: tuple[tuple[str, str, int], ...]
    directors: tuple[tuple[str, str, str, int, str], ...]
    needs: tuple[tuple[str, int], ...]
    caption: str
    sky: tuple[tuple[int, int, int], tuple[int, int, int]]
    ground: tuple[int, int, int]
    jurors: str
    premiere_status: str = PremiereStatus.UNRELEASED
    previous_festivals: str = ""


DEMO_APPLICATIONS = [
    DemoApplication(
        original_title="Las horas del salitre",
        english_title="The Saltpetre Hours",
        producer="pampa_norte",
        genre=Genre.FICTION,
        languages="Spanish",
        expected_runtime=100,
        stage=ProductionStage.FINE_CUT,
        runtime=98,
        logline=(
            "In an abandoned nitrate town of the Atacama Desert, a retired schoolteacher "
            "refuses to leave the house where she buried her memories, until her grandson "
            "comes to take her to the city."
        ),
        short_synopsis=(
            "Elsa, seventy-four, is the last inhabitant of a nitrate town that the desert is "
            "slowly swallowing. When her grandson Matías comes from Santiago to move her into a "
            "care home, she asks him for one more week. Together they walk the empty streets, "
            "the school, the theatre and the cemetery, while Elsa tells him the story of the "
            "strike her father led in 1925."
        ),
        more_synopsis=(
            "The week stretches. Matías, who came to sign papers and leave, begins to record "
            "his grandmother's voice on his phone, then to film the town with her. Tourists "
            "pass through in buses, a mining company surveys the hills for lithium, and the "
            "wind fills the houses with sand. Elsa's memories and the town's ruins become one "
            "landscape. Shot in the ghost towns of the Tarapacá region with non-professional "
            "actors from Iquique and Pozo Almonte."
        ),
        director_statement=(
            "My grandmother was born in a nitrate town that no longer exists. I wanted to film "
            "the moment when a place passes from memory into ruins, and to ask who will tell "
            "its story when the last witness is gone."
        ),
        currency="USD",
        total_budget=620_000,
        secured_amount=470_000,
        companies=(("Pampa Norte Films", "CL", 80), ("Les Films de l'Estran", "FR", 20)),
        directors=(
            (
                "Catalina Fuenzalida",
                "CL",
                Gender.WOMAN,
                1,
                "Born in Iquique in 1986. Her first feature, a documentary on the fishermen "
                "of the northern coves, was shown at festivals in Chile and Argentina. The "
                "Saltpetre Hours is her first fiction feature.",
            ),
        ),
        needs=(
            (PostProductionNeed.COLOUR, 35_000),
            (PostProductionNeed.SOUND, 60_000),
            (PostProductionNeed.DCP, 12_000),
        ),
        caption="Elsa in the theatre of the nitrate town",
        sky=((235, 190, 140), (250, 226, 190)),
        ground=(190, 150, 110),
        jurors="123",
    ),
    DemoApplication(
        original_title="Río de los ausentes",
        english_title="River of the Absent",
        producer="cienaga",
        genre=Genre.DOCUMENTARY,
        languages="Spanish",
        expected_runtime=90,
        stage=ProductionStage.ROUGH_CUT,
        runtime=88,
        logline=(
            "Along the Atrato River, a woman who searches the banks for the bodies of the "
            "disappeared trains her teenage daughter to take her place in the boat."
        ),
        short_synopsis=(
            "For twenty years, Doña Ermelina has rowed the Atrato River in Chocó, recovering "
            "the bodies the current brings down and giving them a name and a grave. Now her "
            "knees fail her, and her daughter Yuli, sixteen, who dreams of studying in "
            "Medellín, is the only one who can steer the boat."
        ),
        more_synopsis=(
            "Filmed over three years, the documentary follows mother and daughter through "
            "floods, funerals and the slow work of the truth commission, which arrives in the "
            "village with forms and cameras of its own. Between the rituals of the "
            "Afro-Colombian communities of the Atrato and Yuli's messages to her friends in "
            "the city, the film asks what a young woman owes to the dead of a war she did not "
            "live."
        ),
        director_statement=(
            "I grew up in Quibdó hearing about the river as a cemetery. I wanted to film the "
            "women who turned that horror into an act of care, and the generation that must "
            "decide whether to carry it on."
        ),
        currency="USD",
        total_budget=310_000,
        secured_amount=215_000,
        companies=(("Ciénaga Cine", "CO", 100),),
        directors=(
            (
                "Andrés Mosquera",
                "CO",
                Gender.MAN,
                2,
                "Born in Quibdó in 1979. Documentary filmmaker and teacher at a community film "
                "school in Chocó. His two previous features were shown on Colombian public "
                "television and at documentary festivals in the region.",
            ),
        ),
        needs=(
            (PostProductionNeed.EDITING, 30_000),
            (PostProductionNeed.SOUND, 28_000),
            (PostProductionNeed.MUSIC, 15_000),
            (PostProductionNeed.SUBTITLES, 4_000),
        ),
        caption="Doña Ermelina and Yuli on the Atrato",
        sky=((120, 140, 120), (190, 200, 170)),
        ground=(70, 90, 60),
        jurors="12",
        premiere_status=PremiereStatus.WIP_SHOWN,
        previous_festivals=(
            "Shown as a work in progress to professionals at a documentary market in Bogotá."
        ),
    ),
    DemoApplication(
        original_title="O inverno de Cida",
        english_title="Cida's Winter",
        producer="cajuina",
        genre=Genre.FICTION,
        languages="Portuguese",
        expected_runtime=105,
        stage=ProductionStage.FINE_CUT,
        runtime=101,
        logline=(
            "In the rainy season of Recife, a domestic worker who has spent thirty years in "
            "the same family's flat is left alone with the keys, and decides to live there as "
            "if it were hers."
        ),
        short_synopsis=(
            "Cida has cooked, cleaned and raised two generations of children in a flat "
            "overlooking Boa Viagem beach. When her employers leave for a winter in Lisbon, "
            "she is left alone with the keys, the rain and a dog. For the first time, the flat "
            "is hers, and so are her days."
        ),
        more_synopsis=(
            "Cida invites her sister from the interior of Pernambuco, then her neighbours from "
            "the community where she lives at weekends, then a retired samba singer she meets "
            "at the market. The flat fills with people, music and food. When the family "
            "announces its return, Cida must decide whether to hand back the keys. A comedy of "
            "manners that turns slowly into a film about freedom, class and the right to rest."
        ),
        director_statement=(
            "My mother was a domestic worker. This film is for the women who know every corner "
            "of houses that will never be theirs, and who almost never appear on screen as "
            "anything but a silhouette in the kitchen."
        ),
        currency="BRL",
        total_budget=2_400_000,
        secured_amount=1_900_000,
        companies=(("Cajuína Filmes", "BR", 80), ("Les Films du Sillage", "FR", 20)),
        directors=(
            (
                "Luana Rocha",
                "BR",
                Gender.WOMAN,
                0,
                "Born in Recife in 1990. She wrote and directed three short films, shown at "
                "festivals in Brazil and Europe, and worked as assistant director on features "
                "shot in Pernambuco. Cida's Winter is her first feature.",
            ),
        ),
        needs=(
            (PostProductionNeed.COLOUR, 120_000),
            (PostProductionNeed.SOUND, 180_000),
            (PostProductionNeed.MUSIC, 90_000),
            (PostProductionNeed.DCP, 40_000),
        ),
        caption="Cida at the window of the flat in Boa Viagem",
        sky=((90, 110, 140), (160, 170, 185)),
        ground=(60, 70, 80),
        jurors="12",
    ),
    DemoApplication(
        original_title="La casa de los pájaros quietos",
        english_title="The House of Still Birds",
        producer="pampa_norte",
        genre=Genre.FICTION,
        languages="Spanish",
        expected_runtime=105,
        stage=ProductionStage.ROUGH_CUT,
        runtime=104,
        logline=(
            "After her father's death, a taxidermist returns to the family house in the "
            "Pampas and finds that the stuffed birds he left her keep the secret of her "
            "mother's disappearance."
        ),
        short_synopsis=(
            "Inés, a taxidermist at the natural history museum of La Plata, inherits her "
            "father's house near Chascomús, full of the birds he stuffed for forty years. As "
            "she sorts them to sell, she finds letters hidden inside them, written by the "
            "mother who vanished when she was four."
        ),
        more_synopsis=(
            "The letters lead Inés to the lagoons, to an old neighbour who will not speak, and "
            "to the year 1977. Between the cold light of the museum and the flat horizon of the "
            "province, the film builds a quiet thriller about what families embalm to survive. "
            "The birds were lent by a museum and a private collection; the house belonged to "
            "the director's grandparents."
        ),
        director_statement=(
            "Taxidermy is the art of making the dead look alive. In Argentina we learned to do "
            "that with our silences. I wanted a genre film that carries that weight without "
            "ever raising its voice."
        ),
        currency="USD",
        total_budget=720_000,
        secured_amount=560_000,
        companies=(("Pampa Norte Films", "CL", 35), ("Tercer Patio Cine", "AR", 65)),
        directors=(
            (
                "Martín Ezcurra",
                "AR",
                Gender.MAN,
                0,
                "Born in Chascomús in 1984. Editor of documentaries and features in Buenos "
                "Aires, he directed two short films. The House of Still Birds is his first "
                "feature.",
            ),
        ),
        needs=(
            (PostProductionNeed.EDITING, 40_000),
            (PostProductionNeed.COLOUR, 30_000),
            (PostProductionNeed.SOUND, 45_000),
            (PostProductionNeed.VFX, 20_000),
        ),
        caption="Inés and her father's birds",
        sky=((170, 180, 185), (215, 215, 205)),
        ground=(120, 125, 95),
        jurors="23",
    ),
    DemoApplication(
        original_title="Nadie duerme en Cajamarca",
        english_title="Nobody Sleeps in Cajamarca",
        producer="cienaga",
        genre=Genre.FICTION,
        languages="Spanish, Quechua",
        expected_runtime=115,
        stage=ProductionStage.ROUGH_CUT,
        runtime=112,
        logline=(
            "During a week of protests against a gold mine in the northern Andes of Peru, a "
            "young police officer is posted to the town where his mother leads the blockade."
        ),
        short_synopsis=(
            "Wilmer, twenty-two, joined the police to leave Cajamarca. Sent back with his unit "
            "to break a road blockade against the expansion of a gold mine, he finds his "
            "mother, his cousins and his childhood teacher on the other side of the barricade. "
            "For seven days and nights, nobody in the town sleeps."
        ),
        more_synopsis=(
            "Told over one week, from the arrival of the troops to the clash on the bridge, the "
            "film moves between the police barracks, the camp of the protesters and the mine's "
            "offices, where an engineer from Lima counts the losses. Wilmer tries to keep both "
            "worlds apart and fails. The cast mixes professional actors from Lima with people "
            "from the communities that lived through the protests."
        ),
        director_statement=(
            "The conflicts over mining in Peru are usually told as numbers. I wanted to film "
            "them from inside a family split by a uniform, where the politics are in the "
            "kitchen and the fear is on both sides."
        ),
        currency="USD",
        total_budget=850_000,
        secured_amount=640_000,
        companies=(("Ciénaga Cine", "CO", 40), ("Qochas Producciones", "PE", 60)),
        directors=(
            (
                "Rosa Huamán",
                "PE",
                Gender.WOMAN,
                1,
                "Born in Cajamarca in 1982. She studied film in Lima and directed a feature "
                "documentary on the peasant patrols of the northern Andes. Nobody Sleeps in "
                "Cajamarca is her first fiction feature.",
            ),
        ),
        needs=(
            (PostProductionNeed.COLOUR, 40_000),
            (PostProductionNeed.SOUND, 70_000),
            (PostProductionNeed.MUSIC, 30_000),
            (PostProductionNeed.VFX, 25_000),
            (PostProductionNeed.DCP, 15_000),
        ),
        caption="Wilmer at the barricade on the bridge",
        sky=((140, 150, 165), (200, 200, 200)),
        ground=(80, 95, 70),
        jurors="123",
    ),
    DemoApplication(
        original_title="Donde el maíz no crece",
        english_title="Where the Corn Won't Grow",
        producer="volcan",
        genre=Genre.FICTION,
        languages="Kaqchikel, Spanish",
        expected_runtime=95,
        stage=ProductionStage.ROUGH_CUT,
        runtime=93,
        logline=(
            "When drought ruins her family's harvest in the highlands of Guatemala, a "
            "Kaqchikel girl of twelve takes her brother's place on the journey north."
        ),
        short_synopsis=(
            "In a village of Chimaltenango, three years without rain have left the fields dry. "
            "Juana's older brother is to leave for the United States with a smuggler, but he "
            "breaks his leg the week before. To pay back the debt the family has taken on, "
            "Juana cuts her hair and goes in his place."
        ),
        more_synopsis=(
            "The film follows Juana from the village to the Mexican border, through the buses, "
            "safe houses and markets of a journey that thousands of children make every year. "
            "In her backpack she carries corn seeds from her grandmother, to plant wherever "
            "she arrives. Shot in Kaqchikel with non-professional actors from the communities "
            "of Chimaltenango and Sololá."
        ),
        director_statement=(
            "I am Kaqchikel. Many of the children of my village have left. I wanted to tell one "
            "of those journeys in our language and through the eyes of a girl, without the "
            "pity that usually comes with these stories."
        ),
        currency="USD",
        total_budget=480_000,
        secured_amount=350_000,
        companies=(("Cine Volcán", "MX", 30), ("Tz'ikin Cine", "GT", 70)),
        directors=(
            (
                "Ixchel Xoyón",
                "GT",
                Gender.WOMAN,
                0,
                "Born in San Juan Comalapa in 1993. She trained in community video and "
                "directed short films in Kaqchikel, shown at indigenous film festivals across "
                "the Americas. This is her first feature.",
            ),
        ),
        needs=(
            (PostProductionNeed.EDITING, 25_000),
            (PostProductionNeed.COLOUR, 30_000),
            (PostProductionNeed.SOUND, 40_000),
            (PostProductionNeed.SUBTITLES, 6_000),
        ),
        caption="Juana in the dry cornfield",
        sky=((200, 170, 120), (235, 215, 170)),
        ground=(150, 120, 70),
        jurors="13",
    ),
    DemoApplication(
        original_title="Mar de fondo en Puerto Cabello",
        english_title="Undertow in Puerto Cabello",
        producer="cienaga",
        genre=Genre.FICTION,
        languages="Spanish",
        expected_runtime=98,
        stage=ProductionStage.FINE_CUT,
        runtime=96,
        logline=(
            "In a Venezuelan port emptied by emigration, a former swimming champion runs the "
            "last open bar on the seafront and waits for a son who may never return."
        ),
        short_synopsis=(
            "Nelson, sixty, was once the fastest swimmer in Venezuela. Today he runs a bar on "
            "the seafront of Puerto Cabello, where fewer customers come each month. His son "
            "left for Chile five years ago. When a young woman from Caracas asks to rent the "
            "room upstairs, Nelson's routine begins to crack."
        ),
        more_synopsis=(
            "Between the containers of the port, the power cuts and the sea that Nelson no "
            "longer dares to enter, the film draws the portrait of a city of those who stayed. "
            "The young woman, Daniela, is waiting for a boat to Curaçao; Nelson decides to "
            "teach her to swim. A melancholy comedy about leaving and staying, filmed in Puerto "
            "Cabello by a crew now scattered across four countries."
        ),
        director_statement=(
            "Half of my crew lives outside Venezuela. We made this film between those who left "
            "and those who stayed, as the country itself lives now. I wanted to find humour in "
            "that waiting."
        ),
        currency="USD",
        total_budget=540_000,
        secured_amount=420_000,
        companies=(("Ciénaga Cine", "CO", 45), ("Malecón Films", "VE", 55)),
        directors=(
            (
                "Daniel Arvelo",
                "VE",
                Gender.MAN,
                1,
                "Born in Valencia, Venezuela, in 1981. His first feature, a road movie across "
                "the Llanos, was shown at festivals in Latin America and Spain. He lives "
                "between Caracas and Bogotá.",
            ),
        ),
        needs=(
            (PostProductionNeed.COLOUR, 30_000),
            (PostProductionNeed.SOUND, 40_000),
            (PostProductionNeed.MUSIC, 20_000),
        ),
        caption="Nelson at the seafront bar",
        sky=((90, 150, 190), (190, 215, 225)),
        ground=(40, 80, 110),
        jurors="23",
    ),
    DemoApplication(
        original_title="Ceniza de Cerro Rico",
        english_title="Ash of Cerro Rico",
        producer="pampa_norte",
        genre=Genre.DOCUMENTARY,
        languages="Spanish, Quechua",
        expected_runtime=85,
        stage=ProductionStage.ROUGH_CUT,
        runtime=82,
        logline=(
            "Inside the mountain that financed an empire, three generations of miners of "
            "Potosí work the same tunnel, and make offerings to the devil who owns it."
        ),
        short_synopsis=(
            "Cerro Rico of Potosí has been mined for almost five hundred years. Don Faustino, "
            "his son Rubén and his grandson Edwin work the same shaft, a cooperative tunnel "
            "where the silver ran out long ago and only tin and zinc remain. Every Friday, "
            "they bring coca leaves, alcohol and cigarettes to the Tío, the devil of the mine."
        ),
        more_synopsis=(
            "The film lives inside the mountain: in the narrow tunnels, in the dust and the "
            "darkness lit only by headlamps, and in the few hours of sun outside, where Edwin "
            "plays in a cumbia band and dreams of leaving. As the mountain caves in from within "
            "and the state debates closing its summit, the miners keep their rituals. A film "
            "about inheritance, faith and a body of earth worn to the bone."
        ),
        director_statement=(
            "My grandfather died of silicosis at forty-eight. I wanted to enter the mine with a "
            "camera as my family entered it, without a guide, and to show the tenderness "
            "between these men as much as the danger."
        ),
        currency="USD",
        total_budget=260_000,
        secured_amount=180_000,
        companies=(("Pampa Norte Films", "CL", 40), ("Socavón Cine", "BO", 60)),
        directors=(
            (
                "Wara Condori",
                "BO",
                Gender.WOMAN,
                1,
                "Born in Potosí in 1988. Cinematographer and director, she made a feature "
                "documentary on the women who break stones at the mouths of the mines, shown "
                "at festivals in Bolivia, Argentina and France.",
            ),
        ),
        needs=(
            (PostProductionNeed.EDITING, 25_000),
            (PostProductionNeed.COLOUR, 20_000),
            (PostProductionNeed.SOUND, 25_000),
        ),
        caption="Edwin in the cooperative tunnel",
        sky=((110, 100, 95), (170, 150, 130)),
        ground=(90, 70, 60),
        jurors="12",
    ),
    DemoApplication(
        original_title="La noche de los tejedores",
        english_title="The Night of the Weavers",
        producer="volcan",
        genre=Genre.ANIMATION,
        languages="Spanish, Zapotec",
        expected_runtime=78,
        stage=ProductionStage.FINE_CUT,
        runtime=74,
        logline=(
            "In a Zapotec village of Oaxaca, a girl who cannot sleep discovers that the "
            "figures on her grandmother's rugs come alive at night, and that they are "
            "unravelling."
        ),
        short_synopsis=(
            "In a weaving village of the Oaxaca valley, eleven-year-old Nayeli lives with her "
            "grandmother. Since her mother left to work in California, Nayeli cannot sleep. "
            "One night, the jaguar, the birds and the stepped frets of the rugs climb down "
            "from the loom and ask for her help: someone is pulling the threads of the "
            "village's memory."
        ),
        more_synopsis=(
            "Animated in stop motion with wool and natural dyes made by weaving families of the "
            "valley, the film follows Nayeli through a nocturnal journey across the valley, "
            "into the ruins of Mitla and the dreams of the villagers, to find the thread that "
            "ties her to her mother. A family film in Zapotec and Spanish."
        ),
        director_statement=(
            "We wanted the children of Oaxaca to see their language, their colours and their "
            "grandmothers in an animated film as rich as the ones that come from far away. "
            "Every figure is woven by hand by the families of the village."
        ),
        currency="USD",
        total_budget=980_000,
        secured_amount=760_000,
        companies=(("Cine Volcán", "MX", 100),),
        directors=(
            (
                "Emiliano Sosa",
                "MX",
                Gender.MAN,
                1,
                "Born in Oaxaca in 1980. Animator and director of a stop-motion feature for "
                "children and of short films shown at animation festivals in Mexico, France "
                "and Canada.",
            ),
            (
                "Itzel Martínez Ruiz",
                "MX",
                Gender.NON_BINARY,
                0,
                "Born in the Oaxaca valley in 1991. Weaver, illustrator and art director of "
                "the film, they co-direct a feature for the first time.",
            ),
        ),
        needs=(
            (PostProductionNeed.VFX, 60_000),
            (PostProductionNeed.SOUND, 55_000),
            (PostProductionNeed.MUSIC, 45_000),
            (PostProductionNeed.COLOUR, 20_000),
            (PostProductionNeed.DCP, 15_000),
        ),
        caption="Nayeli and the jaguar of the loom",
        sky=((40, 40, 90), (110, 80, 140)),
        ground=(150, 60, 50),
        jurors="123",
    ),
    DemoApplication(
        original_title="Tres veranos sin lluvia",
        english_title="Three Summers Without Rain",
        producer="pampa_norte",
        genre=Genre.FICTION,
        languages="Spanish",
        expected_runtime=92,
        stage=ProductionStage.FINE_CUT,
        runtime=91,
        logline=(
            "Over three summers of drought on the Uruguayan coast, two sisters who inherit a "
            "seaside campsite try to keep it afloat, and each other."
        ),
        short_synopsis=(
            "When their father dies, Lucía and Mariana, who have not spoken in years, inherit "
            "the family campsite in Rocha. Lucía wants to sell; Mariana wants to stay. They "
            "agree to run it for one summer. Then another. Then a third, as the drought empties "
            "the wells and the tourists stop coming."
        ),
        more_synopsis=(
            "Each summer is a chapter: the first of noisy families and old resentments, the "
            "second of a storm that never comes, the third of the final decision. Around the "
            "sisters, the regulars of the campsite grow older. A chamber film in the open air, "
            "shot over three real summers with the same cast."
        ),
        director_statement=(
            "We filmed the same place three summers in a row, and the drought was real. I "
            "wanted time to mark the actresses' faces and the landscape the way it marks "
            "families."
        ),
        currency="USD",
        total_budget=390_000,
        secured_amount=310_000,
        companies=(("Pampa Norte Films", "CL", 30), ("Balneario Films", "UY", 70)),
        directors=(
            (
                "Florencia Techera",
                "UY",
                Gender.WOMAN,
                0,
                "Born in Montevideo in 1989. Screenwriter for Uruguayan and Argentine "
                "television, she directed two short films shown at festivals in the region. "
                "Three Summers Without Rain is her first feature.",
            ),
        ),
        needs=(
            (PostProductionNeed.COLOUR, 25_000),
            (PostProductionNeed.SOUND, 30_000),
            (PostProductionNeed.MUSIC, 15_000),
        ),
        caption="Lucía and Mariana at the campsite gate",
        sky=((120, 180, 220), (215, 230, 235)),
        ground=(220, 200, 150),
        jurors="13",
    ),
    DemoApplication(
        original_title="Guarania para una ciudad vacía",
        english_title="Guarania for an Empty City",
        producer="cajuina",
        genre=Genre.HYBRID,
        languages="Spanish, Guarani",
        expected_runtime=86,
        stage=ProductionStage.ROUGH_CUT,
        runtime=84,
        logline=(
            "During a curfew, an ageing harp player walks the empty streets of Asunción at "
            "night, looking for the musicians of the band he played with fifty years ago."
        ),
        short_synopsis=(
            "Don Aniceto, eighty, was the harpist of a well-known guarania band in the 1970s. "
            "During the curfew of the pandemic, he walks through an empty Asunción, harp on "
            "his back, to visit his old companions one by one and play with them one last "
            "time."
        ),
        more_synopsis=(
            "Mixing documentary and fiction, the film follows the musicians of the band, now "
            "in their late seventies and eighties, who replay their own lives in the houses, "
            "bars and radio stations of the city. Their songs, censored under the "
            "dictatorship, resound in streets without people. A nocturnal musical about "
            "memory and the Guarani language."
        ),
        director_statement=(
            "Guarania is the music of Paraguayan longing. During the curfew, I saw Asunción "
            "empty and heard it full of these songs. The musicians play themselves: the line "
            "between their memories and our scenes is theirs to draw."
        ),
        currency="USD",
        total_budget=220_000,
        secured_amount=150_000,
        companies=(("Cajuína Filmes", "BR", 35), ("Ka'aguy Films", "PY", 65)),
        directors=(
            (
                "Derlis Benítez",
                "PY",
                Gender.MAN,
                1,
                "Born in Asunción in 1985. Musician and filmmaker, he directed a documentary "
                "on the harp makers of Paraguarí, shown at festivals in Paraguay, Brazil and "
                "Spain.",
            ),
        ),
        needs=(
            (PostProductionNeed.SOUND, 30_000),
            (PostProductionNeed.MUSIC, 15_000),
            (PostProductionNeed.COLOUR, 15_000),
        ),
        caption="Don Aniceto and his harp in an empty street of Asunción",
        sky=((20, 30, 60), (70, 70, 110)),
        ground=(30, 30, 40),
        jurors="23",
    ),
    DemoApplication(
        original_title="Sertão de vidro",
        english_title="Glass Backlands",
        producer="cajuina",
        genre=Genre.FICTION,
        languages="Portuguese",
        expected_runtime=120,
        stage=ProductionStage.ROUGH_CUT,
        runtime=118,
        logline=(
            "In a near future where the backlands of Pernambuco are covered with solar farms, "
            "a woman who cleans the panels at night starts seeing her dead brother in their "
            "reflections."
        ),
        short_synopsis=(
            "In the sertão of Pernambuco, the caatinga has given way to thousands of solar "
            "panels. Rosângela cleans them at night, when the glass is cool. Since her brother "
            "died in an accident on the farm, she sees him in the panels, as if the glass "
            "remembered. The company that runs the farm wants the accident forgotten."
        ),
        more_synopsis=(
            "Between science fiction and the traditions of the sertão, the film follows "
            "Rosângela as she tries to understand what the panels show her, with the help of a "
            "repentista poet and an engineer from São Paulo. The night scenes were shot by the "
            "light of the maintenance lamps of a working solar farm."
        ),
        director_statement=(
            "The energy transition is reaching the sertão with the same promises as every "
            "cycle before it. We wanted a genre film that looks at this new landscape through "
            "the eyes of those who clean it."
        ),
        currency="BRL",
        total_budget=3_800_000,
        secured_amount=3_000_000,
        companies=(("Cajuína Filmes", "BR", 100),),
        directors=(
            (
                "Tiago Albuquerque",
                "BR",
                Gender.MAN,
                1,
                "Born in Caruaru in 1983. His first feature, a comedy set in the street "
                "markets of the agreste, was released in Brazilian cinemas.",
            ),
            (
                "Joana Veras",
                "BR",
                Gender.WOMAN,
                0,
                "Born in Petrolina in 1992. Editor and director of short films, she "
                "co-directs her first feature.",
            ),
        ),
        needs=(
            (PostProductionNeed.VFX, 350_000),
            (PostProductionNeed.COLOUR, 120_000),
            (PostProductionNeed.SOUND, 200_000),
        ),
        caption="Rosângela among the solar panels at night",
        sky=((10, 20, 50), (40, 60, 100)),
        ground=(60, 80, 110),
        jurors="12",
    ),
    DemoApplication(
        original_title="La última función del Cine Aurora",
        english_title="The Last Show at the Cine Aurora",
        producer="cienaga",
        genre=Genre.DOCUMENTARY,
        languages="Spanish",
        expected_runtime=80,
        stage=ProductionStage.ROUGH_CUT,
        runtime=79,
        logline=(
            "The projectionist of a Havana cinema in ruins organises one last screening for "
            "the neighbourhood before the building is handed over to a hotel chain."
        ),
        short_synopsis=(
            "Reinaldo has been the projectionist of the Cine Aurora in Havana for forty-one "
            "years. The roof leaks, the seats are broken and the 35 mm projector works only in "
            "his hands. When the building is sold to become a hotel, he decides to organise one "
            "last screening for the neighbourhood."
        ),
        more_synopsis=(
            "Over the months of preparation, the film follows Reinaldo, the ushers and the "
            "neighbours who mend seats, look for a print and argue about which film to show. "
            "Archive footage of the cinema's golden years punctuates a present of blackouts "
            "and queues. A documentary about cinema as a shared place, and what a city loses "
            "when it closes."
        ),
        director_statement=(
            "I learned to love cinema in a room like this one. Cuba had hundreds of "
            "neighbourhood cinemas; few are left. I wanted to film one of them while it was "
            "still full of people."
        ),
        currency="EUR",
        total_budget=240_000,
        secured_amount=170_000,
        companies=(
            ("Ciénaga Cine", "CO", 30),
            ("Producciones La Rampa", "CU", 40),
            ("Lusco Fusco Films", "ES", 30),
        ),
        directors=(
            (
                "Yanelis Portuondo",
                "CU",
                Gender.WOMAN,
                2,
                "Born in Santiago de Cuba in 1978. A graduate of the film school of San "
                "Antonio de los Baños, she directed two feature documentaries shown at "
                "festivals in Havana, Miami and Europe.",
            ),
        ),
        needs=(
            (PostProductionNeed.EDITING, 20_000),
            (PostProductionNeed.COLOUR, 15_000),
            (PostProductionNeed.SOUND, 20_000),
            (PostProductionNeed.SUBTITLES, 3_000),
        ),
        caption="Reinaldo in the projection booth",
        sky=((60, 40, 40), (140, 90, 70)),
        ground=(40, 30, 30),
        jurors="123",
    ),
    DemoApplication(
        original_title="Los hijos del volcán",
        english_title="The Volcano's Children",
        producer="volcan",
        genre=Genre.FICTION,
        languages="Spanish, English",
        expected_runtime=100,
        stage=ProductionStage.ROUGH_CUT,
        runtime=99,
        logline=(
            "On the slopes of a Salvadoran volcano, two brothers deported from Los Angeles try "
            "to bring their grandfather's coffee farm back to life, while the gang that rules "
            "the valley wants the land."
        ),
        short_synopsis=(
            "Deported after twenty years in Los Angeles, the brothers Kevin and Josué arrive in "
            "a country they barely remember. All they have is the deed to their grandfather's "
            "coffee farm on the slopes of the Santa Ana volcano, abandoned since the war. They "
            "decide to bring it back to life."
        ),
        more_synopsis=(
            "The brothers speak more English than Spanish, and the village watches them with "
            "suspicion. The gang of the valley sees in the farm a place to hide, and in the "
            "brothers recruits. Between the coffee harvest and the threat, Kevin and Josué "
            "must choose what kind of Salvadorans they want to be. A drama filmed with "
            "deportees and coffee workers of the western region."
        ),
        director_statement=(
            "Every week, planes full of deportees land in San Salvador. I wanted to tell the "
            "story of two of them who try to put down roots in the land their family fled, and "
            "the violence that grew there in the meantime."
        ),
        currency="USD",
        total_budget=560_000,
        secured_amount=430_000,
        companies=(
            ("Cine Volcán", "MX", 40),
            ("Izalco Cine", "SV", 45),
            ("Cine Lempa", "HN", 15),
        ),
        directors=(
            (
                "Rodrigo Menjívar",
                "SV",
                Gender.MAN,
                1,
                "Born in Santa Ana in 1986. He directed a feature documentary on the coffee "
                "pickers of western El Salvador and several short films. He teaches film in "
                "San Salvador.",
            ),
        ),
        needs=(
            (PostProductionNeed.COLOUR, 30_000),
            (PostProductionNeed.SOUND, 45_000),
            (PostProductionNeed.MUSIC, 25_000),
            (PostProductionNeed.SUBTITLES, 5_000),
        ),
        caption="Kevin and Josué on the coffee slopes",
        sky=((150, 170, 190), (220, 220, 210)),
        ground=(50, 90, 50),
        jurors="13",
    ),
]

JURORS_BY_DIGIT = {"1": "juror_president", "2": "juror_2", "3": "juror_3"}

JURY_ROUND_NAME = "Final round"
FIRST_CALL_TITLE = "Works in progress — first call"

# A juror who cannot review an application, and says why.
DEMO_CONFLICT = (
    "juror_3",
    "O inverno de Cida",
    "I work with Les Films du Sillage, the French co-producer of this film.",
)


@dataclass(frozen=True)
class DemoReview:
    """A review written in the demo: `scores` follow the order of the default criteria
    (None leaves a criterion unscored); `session` is a session's city."""

    juror: str
    title: str
    scores: tuple[int | None, ...]
    note: str
    recommendation: str = ""
    session: str = ""
    producer_feedback: str = ""
    submit: bool = True


DEMO_REVIEWS = [
    DemoReview(
        juror="juror_2",
        title="Las horas del salitre",
        scores=(8, 8, 7, 8, 6),
        recommendation=Recommendation.SELECT,
        session="Toulouse",
        note=(
            "A precise, patient film with a beautiful use of the ghost town. The fine cut is "
            "nearly there: the middle third could lose ten minutes. The co-production with "
            "France is solid and the sound budget is realistic."
        ),
        producer_feedback=(
            "The relationship between Elsa and Matías is the heart of the film: trust it, and "
            "consider trimming the archive inserts in the middle."
        ),
    ),
    DemoReview(
        juror="juror_2",
        title="Río de los ausentes",
        scores=(7, 8, 9, 6, 5),
        recommendation=Recommendation.DISCUSS,
        session="Lima",
        note=(
            "A powerful subject and a real bond with the women of the Atrato. The rough cut "
            "still hesitates between observation and testimony. Our support would matter a "
            "lot; the financing plan depends on a public fund that is not confirmed yet."
        ),
    ),
    DemoReview(
        juror="juror_2",
        title="Nadie duerme en Cajamarca",
        scores=(8, 7, 8, 7, 8),
        recommendation=Recommendation.SELECT,
        session="Lima",
        note=(
            "Ambitious and gripping, with a strong central performance. The protest scenes "
            "are impressive for the budget. Lima would suit a film so rooted in Peru."
        ),
    ),
    DemoReview(
        juror="juror_2",
        title="Mar de fondo en Puerto Cabello",
        scores=(6, 5, 5, 7, 5),
        recommendation=Recommendation.DECLINE,
        note=(
            "Charming and well acted, but the story follows a familiar path, and the fine cut "
            "leaves little for the programme to change. The film seems likely to be finished "
            "without us."
        ),
        producer_feedback=(
            "The bar and the port are wonderful settings; the film is strongest when it lets "
            "the city speak."
        ),
    ),
    DemoReview(
        juror="juror_3",
        title="La casa de los pájaros quietos",
        scores=(7, 8, None, None, None),
        note=(
            "Striking images of the museum and the lagoons. I still have to watch the second "
            "half again before scoring the rest."
        ),
        submit=False,
    ),
]


# --- The last edition of Films in Progress whose year is over ------------------------------
# Ten more invented works in progress, applied to the call of an edition whose year is over:
# its selection is locked, every applicant has been told, the producers have answered and
# both sessions are public.

PAST_APPLICATIONS = [
    DemoApplication(
        original_title="La piel del agua",
        english_title="The Skin of the Water",
        producer="cienaga",
        genre=Genre.FICTION,
        languages="Spanish",
        expected_runtime=96,
        stage=ProductionStage.FINE_CUT,
        runtime=94,
        logline=(
            "In the bay of Cartagena, a free diver who guides tourists to the coral reefs "
            "learns that the reef is to be dredged for a cruise terminal, and that her brother "
            "works for the company."
        ),
        short_synopsis=(
            "Yesenia, thirty, holds her breath longer than anyone on the island of Tierra "
            "Bomba. She earns her living taking tourists down to the reef her grandfather "
            "taught her to read. When surveyors arrive to prepare the dredging of the bay, she "
            "recognises her younger brother among them."
        ),
        more_synopsis=(
            "Between the fishermen who want the jobs, the divers who want the reef and a "
            "brother who wants to leave the island, Yesenia dives one last season. The "
            "underwater scenes were shot in free diving, without tanks, by a crew from the "
            "island itself."
        ),
        director_statement=(
            "The sea around Cartagena is sold by the square metre. I wanted to film it from "
            "below, in the silence of a held breath, where the people of the islands still "
            "know it better than anyone."
        ),
        currency="USD",
        total_budget=580_000,
        secured_amount=430_000,
        companies=(("Ciénaga Cine", "CO", 70), ("Les Films de la Marée", "FR", 30)),
        directors=(
            (
                "Valeria Arrieta",
                "CO",
                Gender.WOMAN,
                1,
                "Born in Cartagena in 1987. Her first feature, a documentary on the palenqueras "
                "of the old town, was shown at festivals in Colombia and Spain.",
            ),
        ),
        needs=(
            (PostProductionNeed.COLOUR, 30_000),
            (PostProductionNeed.SOUND, 45_000),
            (PostProductionNeed.MUSIC, 20_000),
        ),
        caption="Yesenia above the reef of Tierra Bomba",
        sky=((70, 160, 200), (180, 225, 235)),
        ground=(20, 120, 130),
        jurors="",
    ),
    DemoApplication(
        original_title="Cartas para o Chico",
        english_title="Letters to Chico",
        producer="cajuina",
        genre=Genre.DOCUMENTARY,
        languages="Portuguese",
        expected_runtime=85,
        stage=ProductionStage.ROUGH_CUT,
        runtime=83,
        logline=(
            "Forty years after he left Recife for São Paulo, a retired bus driver answers, one "
            "by one, the letters his mother sent him and he never opened."
        ),
        short_synopsis=(
            "When his sister dies, Francisco, seventy-two, inherits a shoebox of letters: the "
            "ones he sent back unopened to his mother in the 1980s. He decides to read them "
            "and to answer each one, on the bus routes he drove for thirty years."
        ),
        more_synopsis=(
            "The letters tell of a family, a neighbourhood of Recife and a country changing "
            "between two migrations. Francisco reads them aloud to his grandchildren, to his "
            "former colleagues and to strangers on the bus, and travels back north to read the "
            "last one where it was written."
        ),
        director_statement=(
            "Francisco is my uncle. Every family of the northeast has someone who left for São "
            "Paulo and stopped writing. This film is the answer that so many mothers waited "
            "for."
        ),
        currency="BRL",
        total_budget=900_000,
        secured_amount=640_000,
        companies=(("Cajuína Filmes", "BR", 100),),
        directors=(
            (
                "Renato Lins",
                "BR",
                Gender.MAN,
                2,
                "Born in Olinda in 1976. Documentary filmmaker, he directed two features on "
                "the workers of the port of Suape and the street carnival of Olinda.",
            ),
        ),
        needs=(
            (PostProductionNeed.EDITING, 60_000),
            (PostProductionNeed.SOUND, 50_000),
            (PostProductionNeed.MUSIC, 40_000),
        ),
        caption="Francisco reading on the night bus",
        sky=((200, 140, 90), (240, 200, 150)),
        ground=(110, 80, 60),
        jurors="",
    ),
    DemoApplication(
        original_title="El invierno de los cóndores",
        english_title="The Condors' Winter",
        producer="pampa_norte",
        genre=Genre.FICTION,
        languages="Spanish",
        expected_runtime=102,
        stage=ProductionStage.FINE_CUT,
        runtime=100,
        logline=(
            "In the Andes above Santiago, a shepherd's widow and a young park ranger track the "
            "man who is poisoning the condors, through a winter that cuts them off from the "
            "valley."
        ),
        short_synopsis=(
            "Every winter, Rosa brings her goats down from the high pastures of the Cajón del "
            "Maipo. This year she finds dead condors on the path, poisoned. Tamara, a ranger "
            "fresh from the city, is the only one who listens to her. Then the snow closes the "
            "road."
        ),
        more_synopsis=(
            "Snowed in with the few families who stay up the valley all winter, the two women "
            "follow the traces of the poison to a neighbour, a debt and an old quarrel over "
            "water. A western of the cordillera, shot over two winters at 2,500 metres."
        ),
        director_statement=(
            "The condor is on Chile's coat of arms and dies of poison in its mountains. I "
            "wanted a genre film about the people who stay up there, and what silence costs in "
            "a valley where everyone depends on everyone."
        ),
        currency="USD",
        total_budget=700_000,
        secured_amount=540_000,
        companies=(("Pampa Norte Films", "CL", 75), ("Cordillera Cine", "AR", 25)),
        directors=(
            (
                "Ignacio Valdivia",
                "CL",
                Gender.MAN,
                1,
                "Born in Puente Alto in 1983. His first feature, a thriller set in the copper "
                "mines of the north, was released in Chile and shown at festivals in Europe.",
            ),
        ),
        needs=(
            (PostProductionNeed.COLOUR, 35_000),
            (PostProductionNeed.SOUND, 50_000),
            (PostProductionNeed.VFX, 25_000),
            (PostProductionNeed.DCP, 10_000),
        ),
        caption="Rosa and Tamara in the snow of the Cajón del Maipo",
        sky=((150, 170, 200), (225, 230, 240)),
        ground=(235, 235, 240),
        jurors="",
    ),
    DemoApplication(
        original_title="Las manos de Ayacucho",
        english_title="The Hands of Ayacucho",
        producer="volcan",
        genre=Genre.DOCUMENTARY,
        languages="Spanish, Quechua",
        expected_runtime=88,
        stage=ProductionStage.ROUGH_CUT,
        runtime=86,
        logline=(
            "In a workshop of Ayacucho, three generations of retablo makers carve into their "
            "wooden boxes the story of the war that the official histories left out."
        ),
        short_synopsis=(
            "Don Florentino, his daughter Nélida and her son Brayan make retablos, the painted "
            "wooden altars of the Peruvian Andes. Commissioned by a museum to make one about "
            "the years of violence, they must decide together what to show of what their "
            "family lived."
        ),
        more_synopsis=(
            "Over a year of work, the tiny figures of the retablo take shape: the village, the "
            "soldiers, the disappeared uncle. Around the workbench, the family argues, "
            "remembers and keeps quiet. The retablo itself becomes the film's last sequence, "
            "animated by hand."
        ),
        director_statement=(
            "Retablos have always told the news of the Andes. I wanted to film the hands that "
            "turn memory into craft, and a family that decides, figure by figure, what to hand "
            "down."
        ),
        currency="USD",
        total_budget=280_000,
        secured_amount=190_000,
        companies=(("Cine Volcán", "MX", 40), ("Huamanga Films", "PE", 60)),
        directors=(
            (
                "Edith Pariona",
                "PE",
                Gender.WOMAN,
                1,
                "Born in Huanta in 1985. She studied anthropology and film in Lima, and directed "
                "a feature documentary on the women's committees of the Andes.",
            ),
        ),
        needs=(
            (PostProductionNeed.EDITING, 25_000),
            (PostProductionNeed.COLOUR, 15_000),
            (PostProductionNeed.SOUND, 20_000),
            (PostProductionNeed.SUBTITLES, 4_000),
        ),
        caption="The family's retablo on the workbench",
        sky=((180, 120, 80), (230, 190, 140)),
        ground=(130, 60, 40),
        jurors="",
    ),
    DemoApplication(
        original_title="Caracol",
        english_title="Snail",
        producer="volcan",
        genre=Genre.ANIMATION,
        languages="Spanish",
        expected_runtime=75,
        stage=ProductionStage.FINE_CUT,
        runtime=72,
        logline=(
            "A snail from the floating gardens of Xochimilco sets off on the longest journey "
            "of its life to find the canal where it was born, before the city dries it up."
        ),
        short_synopsis=(
            "Caracol has never left its chinampa. When the water level drops and its friends "
            "the axolotls begin to disappear, it decides to go upstream to the spring its "
            "grandmother talked about. At the speed of a snail, Mexico City is a continent."
        ),
        more_synopsis=(
            "On the way, Caracol rides a trajinera, crosses a market, gets lost in a sewer and "
            "befriends a heron who cannot fly. A family film animated in clay and cut-out "
            "paper, about water, patience and a city that forgot it was built on a lake."
        ),
        director_statement=(
            "Mexico City sinks a little more every year because it drinks its own lake. We "
            "wanted to tell children that story at the height of the smallest creature of the "
            "canals."
        ),
        currency="USD",
        total_budget=850_000,
        secured_amount=640_000,
        companies=(("Cine Volcán", "MX", 100),),
        directors=(
            (
                "Sofía Landa",
                "MX",
                Gender.WOMAN,
                0,
                "Born in Mexico City in 1990. Animator on features and series in Mexico and "
                "Canada, she directed three animated short films. Snail is her first feature.",
            ),
        ),
        needs=(
            (PostProductionNeed.VFX, 60_000),
            (PostProductionNeed.SOUND, 40_000),
            (PostProductionNeed.MUSIC, 35_000),
        ),
        caption="Caracol on a trajinera of Xochimilco",
        sky=((120, 190, 170), (210, 235, 200)),
        ground=(60, 130, 80),
        jurors="",
    ),
    DemoApplication(
        original_title="Los que cantan en el Chaco",
        english_title="Those Who Sing in the Chaco",
        producer="pampa_norte",
        genre=Genre.HYBRID,
        languages="Spanish, Nivaclé",
        expected_runtime=84,
        stage=ProductionStage.ROUGH_CUT,
        runtime=82,
        logline=(
            "In the Paraguayan Chaco, a Nivaclé choir rehearses for a national competition "
            "while the forest around its community is cleared for cattle."
        ),
        short_synopsis=(
            "The choir of a Nivaclé community of the Chaco has been chosen to sing in "
            "Asunción. For three months, its twenty singers rehearse in the chapel, between "
            "the harvest, the heat and the bulldozers that come closer to the village every "
            "week."
        ),
        more_synopsis=(
            "The singers play themselves in scenes they wrote with the director, mixing their "
            "rehearsals with the stories their songs come from. The journey to the capital, "
            "eight hundred kilometres by bus, closes a film about a language that is sung more "
            "than it is written."
        ),
        director_statement=(
            "I first heard this choir on a community radio. Their songs carry the forest in "
            "them; I wanted to film them while the forest is still there to answer."
        ),
        currency="USD",
        total_budget=240_000,
        secured_amount=170_000,
        companies=(("Pampa Norte Films", "CL", 30), ("Chaco Boreal Films", "PY", 70)),
        directors=(
            (
                "Mirta Giménez",
                "PY",
                Gender.WOMAN,
                1,
                "Born in Filadelfia, in the Paraguayan Chaco, in 1984. Radio journalist and "
                "director of a feature documentary on the Mennonite colonies and their "
                "neighbours.",
            ),
        ),
        needs=(
            (PostProductionNeed.SOUND, 30_000),
            (PostProductionNeed.MUSIC, 20_000),
            (PostProductionNeed.COLOUR, 15_000),
        ),
        caption="The choir rehearsing in the chapel",
        sky=((220, 170, 100), (245, 220, 170)),
        ground=(140, 120, 70),
        jurors="",
    ),
    DemoApplication(
        original_title="Bajo el puente del Rímac",
        english_title="Under the Rímac Bridge",
        producer="cienaga",
        genre=Genre.FICTION,
        languages="Spanish",
        expected_runtime=99,
        stage=ProductionStage.FINE_CUT,
        runtime=97,
        logline=(
            "In the old centre of Lima, a Venezuelan barber who cuts hair under a bridge takes "
            "in a boy who ran away from home, and both pretend to be family to get by."
        ),
        short_synopsis=(
            "Jhonny left Maracaibo four years ago and cuts hair on a folding chair under a "
            "bridge over the Rímac. Kevin, eleven, sleeps in the stalls nearby. When the "
            "police start clearing the street vendors, the barber says the boy is his son, and "
            "the lie becomes a life."
        ),
        more_synopsis=(
            "Between the markets of the centre, a rented room in the Rímac district and the "
            "courts that decide on papers and custody, the two make up a family neither of "
            "them had. A tender comedy shot on the streets of Lima with Peruvian and "
            "Venezuelan actors."
        ),
        director_statement=(
            "A million and a half Venezuelans live in Peru. I wanted to film their everyday "
            "life with humour, from the point of view of a friendship that borders and "
            "paperwork forbid."
        ),
        currency="USD",
        total_budget=520_000,
        secured_amount=400_000,
        companies=(("Ciénaga Cine", "CO", 35), ("Rímac Producciones", "PE", 65)),
        directors=(
            (
                "Gonzalo Quispe",
                "PE",
                Gender.MAN,
                1,
                "Born in Lima in 1982. His first feature, a comedy set in the bus companies of "
                "the capital, was released in Peruvian cinemas.",
            ),
        ),
        needs=(
            (PostProductionNeed.COLOUR, 30_000),
            (PostProductionNeed.SOUND, 40_000),
            (PostProductionNeed.MUSIC, 20_000),
        ),
        caption="Jhonny's chair under the bridge",
        sky=((170, 170, 175), (215, 210, 200)),
        ground=(100, 90, 80),
        jurors="",
    ),
    DemoApplication(
        original_title="Concreto verde",
        english_title="Green Concrete",
        producer="cajuina",
        genre=Genre.FICTION,
        languages="Portuguese",
        expected_runtime=110,
        stage=ProductionStage.ROUGH_CUT,
        runtime=108,
        logline=(
            "An engineer who builds a highway through the Amazon returns to her riverside "
            "village for her father's funeral, and finds that the road will pass through his "
            "grave."
        ),
        short_synopsis=(
            "Márcia left her village on the Madeira river to study in Manaus and now runs a "
            "section of the road that is to cross the forest. When her father dies, she goes "
            "home by boat for the first time in ten years, and sees the survey stakes at the "
            "edge of the cemetery."
        ),
        more_synopsis=(
            "Her brother fishes, her mother prays, and the village is divided between those "
            "who want the road and those who fear it. Márcia has a week to choose between her "
            "career and her family's land. A family drama shot on the river with the people of "
            "its communities."
        ),
        director_statement=(
            "Every road in the Amazon is sold as progress. I wanted to tell the story of one "
            "of them from inside a family that would both win and lose by it."
        ),
        currency="BRL",
        total_budget=3_200_000,
        secured_amount=2_500_000,
        companies=(("Cajuína Filmes", "BR", 80), ("Terra Quente Filmes", "PT", 20)),
        directors=(
            (
                "Marina Castelo",
                "BR",
                Gender.WOMAN,
                1,
                "Born in Porto Velho in 1986. Her first feature, set among the rubber tappers "
                "of Rondônia, was shown at festivals in Brazil, Portugal and France.",
            ),
        ),
        needs=(
            (PostProductionNeed.COLOUR, 120_000),
            (PostProductionNeed.SOUND, 160_000),
            (PostProductionNeed.VFX, 200_000),
        ),
        caption="Márcia on the Madeira river",
        sky=((150, 180, 160), (215, 225, 205)),
        ground=(40, 90, 50),
        jurors="",
    ),
    DemoApplication(
        original_title="La fiesta del Santo",
        english_title="The Saint's Feast",
        producer="pampa_norte",
        genre=Genre.FICTION,
        languages="Spanish",
        expected_runtime=93,
        stage=ProductionStage.FINE_CUT,
        runtime=92,
        logline=(
            "In a village of the Argentine northwest, the man who has carried the patron saint "
            "in the procession for thirty years learns that this year, a woman will."
        ),
        short_synopsis=(
            "Don Ramón has carried San Santiago through the streets of his village in the "
            "Quebrada de Humahuaca every July since he was twenty. This year, the new priest "
            "gives the honour to Elvira, the schoolteacher. Ramón has nine days to win it back."
        ),
        more_synopsis=(
            "Between the rehearsals of the brass band, the preparations of the feast and the "
            "village's bets, Ramón's campaign turns into a war of kitchens, gossip and "
            "miracles. A comedy of the high valleys, shot during the real feast."
        ),
        director_statement=(
            "My grandfather carried the saint of our village. I wanted to laugh with the "
            "people of the Quebrada about the traditions that hold them together, and about "
            "the ones that are changing."
        ),
        currency="USD",
        total_budget=450_000,
        secured_amount=360_000,
        companies=(("Pampa Norte Films", "CL", 40), ("Quebrada Films", "AR", 60)),
        directors=(
            (
                "Paula Cardozo",
                "AR",
                Gender.WOMAN,
                1,
                "Born in Tilcara in 1985. Her first feature, a family comedy set in a hotel of "
                "San Salvador de Jujuy, was released in Argentine cinemas.",
            ),
        ),
        needs=(
            (PostProductionNeed.COLOUR, 25_000),
            (PostProductionNeed.SOUND, 30_000),
            (PostProductionNeed.MUSIC, 15_000),
        ),
        caption="The procession in the Quebrada de Humahuaca",
        sky=((110, 160, 210), (200, 220, 235)),
        ground=(170, 110, 80),
        jurors="",
    ),
    DemoApplication(
        original_title="Sombras de Tegucigalpa",
        english_title="Shadows of Tegucigalpa",
        producer="cienaga",
        genre=Genre.DOCUMENTARY,
        languages="Spanish",
        expected_runtime=80,
        stage=ProductionStage.ROUGH_CUT,
        runtime=78,
        logline=(
            "At night in Tegucigalpa, the photographers of a tabloid race each other to the "
            "scenes of crimes, until one of them starts photographing the living instead."
        ),
        short_synopsis=(
            "For fifteen years, Marvin has photographed the dead of Tegucigalpa for the front "
            "page of a tabloid. When his daughter asks him what he does at night, he begins a "
            "second series, in secret: the people of the neighbourhoods he only ever visited "
            "for their murders."
        ),
        more_synopsis=(
            "The film follows Marvin and two younger colleagues through a year of night shifts, "
            "radio scanners and deadlines, and through the exhibition of his second series, "
            "which the neighbourhoods help him hang."
        ),
        director_statement=(
            "Honduras is known abroad through the images of its violence. I wanted to film the "
            "man who made those images, and the moment he chose to look otherwise."
        ),
        currency="USD",
        total_budget=200_000,
        secured_amount=130_000,
        companies=(("Ciénaga Cine", "CO", 30), ("Morazán Films", "HN", 70)),
        directors=(
            (
                "Óscar Zelaya",
                "HN",
                Gender.MAN,
                2,
                "Born in Tegucigalpa in 1979. Photojournalist and documentary filmmaker, he "
                "directed two features on the migrant caravans and the gangs' truces.",
            ),
        ),
        needs=(
            (PostProductionNeed.EDITING, 20_000),
            (PostProductionNeed.COLOUR, 15_000),
            (PostProductionNeed.SOUND, 20_000),
            (PostProductionNeed.SUBTITLES, 3_000),
        ),
        caption="Marvin at night above Tegucigalpa",
        sky=((20, 25, 50), (80, 70, 100)),
        ground=(30, 30, 35),
        jurors="",
    ),
]

# The jury's selection of that edition, placed in this order: (title, session city, kind,
# reason given). Three places a session keep the demo light (the programme has six).
PAST_PLACES = 3
PAST_SELECTION = [
    ("La piel del agua", "Toulouse", PlacementKind.SELECTED, "Unanimous choice of the jury."),
    ("Cartas para o Chico", "Toulouse", PlacementKind.SELECTED, ""),
    ("El invierno de los cóndores", "Toulouse", PlacementKind.SELECTED, ""),
    ("Las manos de Ayacucho", "Toulouse", PlacementKind.WAITLIST, "First in line for Toulouse."),
    ("Caracol", "Toulouse", PlacementKind.WAITLIST, ""),
    ("Los que cantan en el Chaco", "Lima", PlacementKind.SELECTED, ""),
    ("Bajo el puente del Rímac", "Lima", PlacementKind.SELECTED, "Shot in Lima."),
    ("Concreto verde", "Lima", PlacementKind.SELECTED, ""),
]
# Once told, one producer confirms, another declines (their place in Toulouse goes to the
# first film on its waiting list, whose producer confirms); the others have not answered.
PAST_CONFIRMED = "La piel del agua"
PAST_DECLINED = (
    "Cartas para o Chico",
    "Obrigado pela seleção. Um coprodutor exige que o filme seja finalizado antes de "
    "março, e por isso não poderemos estar em Toulouse.",
)


# --- Dates ----------------------------------------------------------------------------------


def _local_moment(day: dt.date, time_zone: str, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(time_zone))


def _first_year_after(month: int, day: int, after: dt.date) -> int:
    """The first year whose `month`/`day` comes after the given day."""
    year = after.year
    while dt.date(year, month, day) <= after:
        year += 1
    return year


def _last_year_before(month: int, day: int, before: dt.date) -> int:
    """The last year whose `month`/`day` comes before the given day."""
    year = before.year
    while dt.date(year, month, day) >= before:
        year -= 1
    return year


# --- Create what is missing -------------------------------------------------------------------


@functools.cache
def _password_hash(hasher: str) -> str:
    return make_password(DEMO_PASSWORD)


def _demo_password_hash() -> str:
    return _password_hash(settings.PASSWORD_HASHERS[0])


def _ensure_user(report: DemoReport, account: DemoAccount) -> User:
    user = User.objects.filter(email__iexact=account.email).first()
    if user is not None:
        return user
    create = User.objects.create_superuser if account.superuser else User.objects.create_user
    user = create(
        account.email,
        None,
        full_name=account.full_name,
        language=account.language,
        email_confirmed=True,
    )
    # The accounts share one password: hashed once (a hash takes a good part of a second).
    user.password = _demo_password_hash()
    user.save(update_fields=["password"])
    report.created.append(f"user {user.email}")
    return user


def _ensure_programme(report: DemoReport, *, slug: str, team: list[User], **fields) -> Programme:
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        programme = edition_services.save_programme(
            programme=Programme(slug=slug, **fields), team=team
        )
        report.created.append(f"programme {programme.name}")
        return programme
    missing = [user for user in team if not programme.team.filter(pk=user.pk).exists()]
    if missing:
        edition_services.save_programme(programme=programme, team=[*programme.team.all(), *missing])
        report.created.extend(f"{user.email} on the team of {programme}" for user in missing)
    return programme


def _ensure_edition(
    report: DemoReport, *, programme: Programme, slug: str, state: str, **fields
) -> Edition:
    edition = Edition.objects.filter(programme=programme, slug=slug).first()
    if edition is not None:
        return edition
    edition = edition_services.save_edition(
        edition=Edition(programme=programme, slug=slug, state=EditionState.DRAFT, **fields)
    )
    # Editions move only through set_edition_state(): draft → public (→ archived).
    path = {
        EditionState.DRAFT: [],
        EditionState.PUBLIC: [EditionState.PUBLIC],
        EditionState.ARCHIVED: [EditionState.PUBLIC, EditionState.ARCHIVED],
    }[state]
    for step in path:
        edition = edition_services.set_edition_state(edition=edition, state=step)
    report.created.append(f"edition {edition}")
    return edition


def _ensure_session(report: DemoReport, *, edition: Edition, city: str, **fields) -> Session:
    session = Session.objects.filter(edition=edition, city=city).first()
    if session is None:
        session = edition_services.save_session(
            session=Session(edition=edition, city=city, **fields)
        )
        report.created.append(f"session {city} of {edition}")
    return session


def _ensure_call(report: DemoReport, *, edition: Edition, title: str, **fields) -> Call:
    call = Call.objects.filter(edition=edition, title=title).first()
    if call is None:
        call = edition_services.save_call(call=Call(edition=edition, title=title, **fields))
        report.created.append(f"call “{title}”")
    return call


def _ensure_juror(
    report: DemoReport, *, edition: Edition, user: User, is_president: bool = False
) -> JuryMember:
    member = JuryMember.objects.filter(edition=edition, user=user).first()
    if member is None:
        member = JuryMember(edition=edition, user=user, is_president=is_president)
        member.full_clean()
        member.save()
        report.created.append(f"{user.email} on the jury of {edition}")
    return member


# --- The jury demo ----------------------------------------------------------------------------


def _pdf(lines: list[str]) -> bytes:
    """A one-page A4 PDF with the lines in Helvetica: enough for a demo budget."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    commands = ["BT", "/F1 11 Tf", "16 TL", "56 800 Td"]
    commands += [f"({escape(line)}) '" for line in lines]
    commands.append("ET")
    stream = "\n".join(commands).encode("cp1252", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)


def _money(application: DemoApplication, amount: int) -> str:
    return f"{application.currency} {amount:,}"


def _budget_pdf(application: DemoApplication) -> bytes:
    needs = dict(PostProductionNeed.choices)
    return _pdf(
        [
            f"Budget: {application.original_title} ({application.english_title})",
            "",
            f"Total budget: {_money(application, application.total_budget)}",
            f"Financing secured: {_money(application, application.secured_amount)}",
            "Still to find: "
            + _money(application, application.total_budget - application.secured_amount),
            "",
            "Post-production still to finance:",
            *(
                f"    {needs[need]}: {_money(application, amount)}"
                for need, amount in application.needs
            ),
        ]
    )


def _financing_plan_pdf(application: DemoApplication) -> bytes:
    return _pdf(
        [
            f"Financing plan: {application.original_title} ({application.english_title})",
            "",
            "Co-production shares:",
            *(
                f"    {name} ({countries.name(country)}): {share} %"
                for name, country, share in application.companies
            ),
            "",
            f"Secured: {_money(application, application.secured_amount)} "
            "(public funds, co-producers' equity and services)",
            "Sought: "
            + _money(application, application.total_budget - application.secured_amount)
            + " (post-production support, sales and distribution advances)",
        ]
    )


def _still_jpeg(application: DemoApplication, seed: int) -> bytes:
    """A landscape in the film's colours, at the smallest size the portal accepts: a
    sky fading to the horizon, hills and a sun, drawn small and enlarged."""
    width, height = 320, 180
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    top, bottom = application.sky
    horizon = 100 + seed % 40
    for y in range(horizon + 1):
        ratio = y / horizon
        colour = tuple(round(a + (b - a) * ratio) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    sun = 40 + (seed * 37) % 240
    light = tuple((channel + 255) // 2 for channel in bottom)
    draw.ellipse([sun, horizon - 70, sun + 28, horizon - 42], fill=light)
    rng = random.Random(seed)  # the demo's pictures, not a secret  # nosec B311
    hills = [(0, height)]
    hills += [(x, horizon - rng.randint(0, 24)) for x in range(0, width + 40, 40)]
    hills.append((width, height))
    draw.polygon(hills, fill=application.ground)
    image = image.resize(
        (STILL_MIN_SIDE, STILL_MIN_SIDE * height // width), Image.Resampling.BICUBIC
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _ensure_producer(report: DemoReport, producer: DemoProducer) -> User:
    """An applicant of the jury demo, with the profile every applicant fills first. No
    usable password: these accounts exist to have applied, not to sign in."""
    user = User.objects.filter(email__iexact=producer.email).first()
    if user is None:
        user = User.objects.create_user(
            producer.email,
            None,
            full_name=producer.full_name,
            language=producer.language,
            email_confirmed=True,
        )
        report.created.append(f"user {user.email} (cannot sign in)")
    if not ProducerProfile.objects.filter(user=user).exists():
        submission_services.save_profile(
            profile=ProducerProfile(
                user=user,
                company=producer.company,
                country=producer.country,
                address=producer.address,
                phone=producer.phone,
                contact_person=producer.full_name,
            ),
            by=user,
        )
        report.created.append(f"producer profile of {user.email}")
    return user


def _save_row(row):
    row.full_clean()
    row.save()
    return row


def _ensure_application(
    report: DemoReport,
    *,
    call: Call,
    application: DemoApplication,
    owner: User,
    index: int,
    count: int,
    completes_from: dt.date,
) -> Project:
    """Find the application by its title within the call, or make it as its producer
    would: a draft while the call was open, its companies, directors, cut, still and
    documents, then the submission. The call's `count` applications are started and
    submitted one after the other across its window; the `index`th expects to be complete
    `10 × index` days after `completes_from`."""
    project = Project.objects.filter(call=call, original_title=application.original_title).first()
    if project is not None:
        return project
    window = call.closes_at - call.opens_at
    started = call.opens_at + window * (index + 1) / (count + 2)
    submitted = started + window / (2 * (count + 2))
    project = submission_services.create_project(
        call=call,
        owner=owner,
        moment=started,
        original_title=application.original_title,
        english_title=application.english_title,
        genre=application.genre,
        expected_runtime=application.expected_runtime,
        languages=application.languages,
        logline=application.logline,
        short_synopsis=application.short_synopsis,
        long_synopsis=f"{application.short_synopsis}\n\n{application.more_synopsis}",
        director_statement=application.director_statement,
        premiere_status=application.premiere_status,
        previous_festivals=application.previous_festivals,
        currency=application.currency,
        total_budget=Decimal(application.total_budget),
        secured_amount=Decimal(application.secured_amount),
        expected_completion=completes_from + dt.timedelta(days=10 * index),
    )
    # Companies, directors and needs are rows of the application's forms; they have no
    # service of their own beyond the forms' formsets.
    for position, (name, country, share) in enumerate(application.companies):
        role = CompanyRole.PRODUCER if position == 0 else CompanyRole.CO_PRODUCER
        _save_row(
            ProjectCompany(
                project=project,
                name=name,
                country=country,
                role=role,
                share=Decimal(share),
                position=position,
            )
        )
    for position, (name, nationality, gender, previous, biography) in enumerate(
        application.directors
    ):
        _save_row(
            Director(
                project=project,
                name=name,
                nationality=nationality,
                gender=gender,
                previous_features=previous,
                biography=biography,
                position=position,
            )
        )
    for need, amount in application.needs:
        _save_row(PostProductionItem(project=project, need=need, amount=Decimal(amount)))
    submission_services.add_cut(
        project=project,
        by=owner,
        cut=Cut(
            stage=application.stage,
            runtime=application.runtime,
            cut_date=timezone.localdate(started) - dt.timedelta(days=12),
            subtitles=SubtitleLanguage.ENGLISH,
            # A reserved domain: the demo links to no one's real video.
            screener_url=f"https://screeners.example.org/{slugify(application.english_title)}",
            # The screener's password, as jurors see it beside the link.
            screener_password=f"{slugify(application.english_title)[:20]}-wip",
        ),
    )
    upload = SimpleUploadedFile("still.jpg", _still_jpeg(application, index), "image/jpeg")
    stills = uploads.add_stills(
        project=project,
        by=owner,
        uploads=[(upload, uploads.check_image(upload))],
        caption=application.caption,
    )
    # The versions are made now rather than only after the commit, so that the demo
    # shows them however its tasks run.
    for still in stills:
        process_still(still)
    slug = slugify(application.english_title)
    for kind, content in [
        (Material.BUDGET, _budget_pdf(application)),
        (Material.FINANCING_PLAN, _financing_plan_pdf(application)),
    ]:
        document = SimpleUploadedFile(f"{slug}-{kind}.pdf", content, "application/pdf")
        uploads.check_pdf(document)
        uploads.save_document(project=project, by=owner, kind=kind, upload=document)
    project = submission_services.submit_project(project=project, by=owner, moment=submitted)
    report.created.append(f"application “{project.original_title}” to “{call.title}”")
    return project


def _films_in_progress_jury(
    report: DemoReport,
    *,
    today: dt.date,
    users: dict[str, User],
    edition: Edition,
    jurors: dict[str, JuryMember],
) -> None:
    """The first call of the edition, closed two weeks ago, its fourteen applications,
    and the jury's final round scoring them."""
    time_zone = edition.time_zone
    staff = users["staff"]
    call = _ensure_call(
        report,
        edition=edition,
        title=FIRST_CALL_TITLE,
        guidelines=(
            "The first call of the edition, for independent Latin American feature films "
            "that cannot complete post-production for lack of means. Its applications are "
            "now with the jury; the second call is open to the films that were not ready.\n\n"
            "Apply with a rough cut or fine cut of at least 60 minutes, up to six stills, a "
            "screener link of the current cut, the budget and the financing plan. Producers "
            "from Latin American countries must hold the majority of the film."
        ),
        opens_at=_local_moment(today - dt.timedelta(weeks=13), time_zone, 10),
        closes_at=_local_moment(today - dt.timedelta(weeks=2), time_zone, 23, 59),
        eligible_countries=LATIN_AMERICA,
        minimum_runtime=60,
        accepted_stages=[ProductionStage.ROUGH_CUT, ProductionStage.FINE_CUT],
        required_materials=[
            Material.STILLS,
            Material.SCREENER,
            Material.BUDGET,
            Material.FINANCING_PLAN,
        ],
        max_stills=6,
        majority_from_eligible_countries=True,
    )
    producers = {
        key: _ensure_producer(report, producer) for key, producer in DEMO_PRODUCERS.items()
    }
    projects = [
        _ensure_application(
            report,
            call=call,
            application=application,
            owner=producers[application.producer],
            index=index,
            count=len(DEMO_APPLICATIONS),
            completes_from=today + dt.timedelta(days=150),
        )
        for index, application in enumerate(DEMO_APPLICATIONS)
    ]

    if not edition.criteria.exists():
        criteria = jury_services.create_default_criteria(edition=edition, by=staff)
        report.created.append(f"{len(criteria)} scoring criteria of {edition}")

    if Round.objects.filter(edition=edition, name=JURY_ROUND_NAME).exists():
        return
    round_ = jury_services.save_round(
        round_=Round(
            edition=edition,
            kind=RoundKind.FINAL,
            name=JURY_ROUND_NAME,
            deadline=_local_moment(today + dt.timedelta(weeks=4), time_zone, 23, 59),
            reviews_per_project=2,
            reminder_days=[7, 2],
        ),
        by=staff,
        members=[jurors[key] for key in JURORS_BY_DIGIT.values()],
    )
    competing = {
        project.pk
        for project in jury_services.eligible_projects(edition).filter(
            pk__in=[project.pk for project in projects]
        )
    }
    in_round = {
        application.original_title: project
        for application, project in zip(DEMO_APPLICATIONS, projects, strict=True)
        if project.pk in competing
    }
    jury_services.add_projects_to_round(round_=round_, projects=in_round.values(), by=staff)

    # Conflicts are declared in preparation, before staff assign.
    juror, title, reason = DEMO_CONFLICT
    conflicts = 0
    if title in in_round:
        jury_services.declare_conflict(
            member=jurors[juror], project=in_round[title], reason=reason, by=users[juror]
        )
        conflicts = 1

    assignments = {}
    for application in DEMO_APPLICATIONS:
        project = in_round.get(application.original_title)
        if project is None:
            continue
        for digit in application.jurors:
            key = JURORS_BY_DIGIT[digit]
            if (key, application.original_title) == DEMO_CONFLICT[:2]:
                continue
            assignments[(key, application.original_title)] = jury_services.assign(
                round_=round_, member=jurors[key], project=project, by=staff
            )
    if assignments:
        jury_services.publish_assignments(round_=round_, by=staff)
        round_ = jury_services.set_phase(round_=round_, phase=Phase.SCORING, by=staff)

    criteria = list(edition.criteria.all())
    sessions = {session.city: session for session in edition.sessions.all()}
    # Reviews are written now, or just before the deadline of a round dated in the past.
    moment = min(timezone.now(), round_.deadline - dt.timedelta(days=1))
    written = {True: 0, False: 0}
    for review in DEMO_REVIEWS:
        assignment = assignments.get((review.juror, review.title))
        if assignment is None:
            continue
        jury_services.save_review(
            assignment=assignment,
            by=users[review.juror],
            scores={
                criterion.pk: value
                for criterion, value in zip(criteria, review.scores, strict=False)
                if value is not None
            },
            note=review.note,
            producer_feedback=review.producer_feedback,
            recommendation=review.recommendation,
            session_preference=sessions.get(review.session),
            submit=review.submit,
            moment=moment,
        )
        written[review.submit] += 1
    report.created.append(
        f"jury round “{round_.name}” of {edition} ({round_.phase}): {len(in_round)} "
        f"applications, {len(assignments)} assignments, {written[True]} reviews submitted, "
        f"{written[False]} draft, {conflicts} conflict declared"
    )


def _answer_as_producer(notice: ResultNotice, answer: str, note: str = "") -> ResultNotice:
    """The producer answers on their page, in their own language (the history of the
    project keeps the words it was told in)."""
    owner = notice.project.owner
    with translation.override(owner.language):
        return results.answer_place(notice=notice, by=owner, answer=answer, note=note)


def _films_in_progress_last_year(
    report: DemoReport, *, today: dt.date, users: dict[str, User], programme: Programme
) -> None:
    """The latest edition whose year is over (its Lima session ended before today),
    archived: its closed call and ten applications, then the end of its
    year as staff and producers went through it in the portal. The selection is locked,
    every result sent (mails in the outbox), a producer confirmed, another declined, the
    freed place went to the first film on the waiting list, whose producer confirmed, and
    both sessions are public.

    That story is built whole when the edition has no selection, never added to one that
    exists. An edition of that year that is not archived (one an earlier run made current,
    or one staff opened again) is left as it is."""
    time_zone = "Europe/Paris"
    staff = users["staff"]
    year = _last_year_before(8, 14, today)
    edition = _ensure_edition(
        report,
        programme=programme,
        slug=str(year),
        state=EditionState.ARCHIVED,
        number=year - 2001,
        year=year,
        time_zone=time_zone,
        starts_on=dt.date(year, 3, 24),
        ends_on=dt.date(year, 8, 14),
    )
    if edition.state != EditionState.ARCHIVED:
        return
    sessions = {
        "Toulouse": _ensure_session(
            report,
            edition=edition,
            city="Toulouse",
            country="FR",
            venue="Cinémathèque de Toulouse",
            starts_on=dt.date(year, 3, 24),
            ends_on=dt.date(year, 3, 26),
            places=PAST_PLACES,
        ),
        "Lima": _ensure_session(
            report,
            edition=edition,
            city="Lima",
            country="PE",
            venue="Centro Cultural PUCP",
            starts_on=dt.date(year, 8, 12),
            ends_on=dt.date(year, 8, 14),
            places=PAST_PLACES,
        ),
    }
    call = _ensure_call(
        report,
        edition=edition,
        title=f"Call for works in progress {year}",
        guidelines=(
            "Independent Latin American feature films that cannot complete post-production "
            "for lack of means, shown in March in Toulouse and in August in Lima to the "
            "professionals who can help finish, distribute and sell them.\n\n"
            "Apply with a rough cut or fine cut of at least 60 minutes, up to six stills, a "
            "screener link of the current cut, the budget and the financing plan. Producers "
            "from Latin American countries must hold the majority of the film."
        ),
        opens_at=_local_moment(dt.date(year - 1, 10, 1), time_zone, 10),
        closes_at=_local_moment(dt.date(year, 1, 10), time_zone, 23, 59),
        eligible_countries=LATIN_AMERICA,
        minimum_runtime=60,
        accepted_stages=[ProductionStage.ROUGH_CUT, ProductionStage.FINE_CUT],
        required_materials=[
            Material.STILLS,
            Material.SCREENER,
            Material.BUDGET,
            Material.FINANCING_PLAN,
        ],
        max_stills=6,
        majority_from_eligible_countries=True,
    )
    producers = {
        key: _ensure_producer(report, producer) for key, producer in DEMO_PRODUCERS.items()
    }
    projects = {
        application.original_title: _ensure_application(
            report,
            call=call,
            application=application,
            owner=producers[application.producer],
            index=index,
            count=len(PAST_APPLICATIONS),
            completes_from=dt.date(year, 10, 1),
        )
        for index, application in enumerate(PAST_APPLICATIONS)
    }

    if Selection.objects.filter(edition=edition).exists():
        return
    for title, city, kind, reason in PAST_SELECTION:
        jury_services.place_project(
            edition=edition,
            project=projects[title],
            session=sessions[city],
            kind=kind,
            by=staff,
            reason=reason,
        )
    jury_services.lock_selection(edition=edition, by=staff)
    sent = results.send_results(edition=edition, by=staff)

    _answer_as_producer(
        ResultNotice.objects.get(project=projects[PAST_CONFIRMED]), Answer.CONFIRMED
    )
    declined, note = PAST_DECLINED
    _answer_as_producer(ResultNotice.objects.get(project=projects[declined]), Answer.DECLINED, note)
    offered = results.offer_place(session=sessions["Toulouse"], by=staff)
    _answer_as_producer(offered, Answer.CONFIRMED)

    for session in sessions.values():
        publication.schedule_publication(session=session, by=staff)
    report.created.append(
        f"results of {edition}: selection locked, {sent} results sent, “{PAST_CONFIRMED}” "
        f"confirmed, “{declined}” declined and its place confirmed by "
        f"“{offered.project.original_title}”, {len(sessions)} sessions published"
    )


# --- The programmes -------------------------------------------------------------------------


def _films_in_progress(
    report: DemoReport, *, today: dt.date, users: dict[str, User]
) -> tuple[Edition, dict[str, JuryMember]]:
    """The programme, its current edition with its jury, and an archived edition.
    Returns the current edition and its jurors by account key."""
    time_zone = "Europe/Paris"
    programme = _ensure_programme(
        report,
        slug="films-in-progress",
        team=[users["staff"]],
        name="Films in Progress",
        organisers="Cinélatino, Rencontres de Toulouse; San Sebastián Festival; "
        "Lima Film Festival PUCP",
        description=FILMS_IN_PROGRESS_DESCRIPTION,
        website="https://www.cinelatino.fr/",
    )

    # The current edition: its call opened three weeks ago and closes in six; the first
    # session (Toulouse, late March) comes at least a week after the deadline.
    opens_on = today - dt.timedelta(weeks=3)
    closes_on = today + dt.timedelta(weeks=6)
    year = _first_year_after(3, 24, closes_on + dt.timedelta(weeks=1))
    edition = _ensure_edition(
        report,
        programme=programme,
        slug=str(year),
        state=EditionState.PUBLIC,
        number=year - 2001,  # the programme's first year, 2002, is edition 1
        year=year,
        time_zone=time_zone,
        starts_on=dt.date(year, 3, 24),
        ends_on=dt.date(year, 8, 14),
    )
    _ensure_session(
        report,
        edition=edition,
        city="Toulouse",
        country="FR",
        venue="Cinémathèque de Toulouse",
        starts_on=dt.date(year, 3, 24),
        ends_on=dt.date(year, 3, 26),
        places=6,
    )
    _ensure_session(
        report,
        edition=edition,
        city="Lima",
        country="PE",
        venue="Centro Cultural PUCP",
        starts_on=dt.date(year, 8, 12),
        ends_on=dt.date(year, 8, 14),
        places=6,
    )
    _ensure_call(
        report,
        edition=edition,
        title=f"Call for works in progress {year}",
        guidelines=(
            "Films in Progress is for independent Latin American feature films that cannot "
            "complete post-production for lack of means. Twelve works in progress are "
            "selected: six are shown in March in Toulouse and six in August in Lima, to more "
            "than 300 professionals who can help finish, distribute and sell them.\n\n"
            "Apply with a rough cut or fine cut of at least 60 minutes, up to six stills, a "
            "screener link of the current cut, the budget and the financing plan. Producers "
            "from Latin American countries must hold the majority of the film."
        ),
        opens_at=_local_moment(opens_on, time_zone, 10),
        closes_at=_local_moment(closes_on, time_zone, 23, 59),
        eligible_countries=LATIN_AMERICA,
        minimum_runtime=60,
        accepted_stages=[ProductionStage.ROUGH_CUT, ProductionStage.FINE_CUT],
        required_materials=[
            Material.STILLS,
            Material.SCREENER,
            Material.BUDGET,
            Material.FINANCING_PLAN,
        ],
        max_stills=6,
        majority_from_eligible_countries=True,
    )
    jurors = {
        key: _ensure_juror(
            report, edition=edition, user=users[key], is_president=key == "juror_president"
        )
        for key in JURORS_BY_DIGIT.values()
    }

    # A past edition, from the years when the two sessions were Toulouse and San Sebastián.
    past = _ensure_edition(
        report,
        programme=programme,
        slug="2008",
        state=EditionState.ARCHIVED,
        number=2008 - 2001,
        year=2008,
        time_zone=time_zone,
        starts_on=dt.date(2008, 3, 18),
        ends_on=dt.date(2008, 9, 24),
    )
    _ensure_session(
        report,
        edition=past,
        city="Toulouse",
        country="FR",
        venue="Cinémathèque de Toulouse",
        starts_on=dt.date(2008, 3, 18),
        ends_on=dt.date(2008, 3, 20),
        places=6,
    )
    _ensure_session(
        report,
        edition=past,
        city="San Sebastián",
        country="ES",
        starts_on=dt.date(2008, 9, 22),
        ends_on=dt.date(2008, 9, 24),
        places=6,
    )
    alumni = ", ".join(f"{title} by {director}" for title, director in FILMS_IN_PROGRESS_ALUMNI)
    _ensure_call(
        report,
        edition=past,
        title="Call for works in progress 2008",
        guidelines=(
            "Independent Latin American feature films unable to complete post-production for "
            "lack of means, shown in March in Toulouse and in September in San Sebastián.\n\n"
            f"Films that went through Films in Progress since 2002 include {alumni}."
        ),
        opens_at=_local_moment(dt.date(2007, 10, 1), time_zone, 10),
        closes_at=_local_moment(dt.date(2008, 1, 15), time_zone, 23, 59),
        eligible_countries=LATIN_AMERICA,
        minimum_runtime=60,
        accepted_stages=[ProductionStage.ROUGH_CUT, ProductionStage.FINE_CUT],
        required_materials=[Material.STILLS, Material.SCREENER, Material.BUDGET],
        max_stills=6,
        majority_from_eligible_countries=True,
    )
    return edition, jurors


def _ibermedia(report: DemoReport, *, today: dt.date, users: dict[str, User]) -> None:
    time_zone = "Europe/Madrid"
    programme = _ensure_programme(
        report,
        slug="ibermedia",
        team=[users["ibermedia_staff"]],
        name="Ibermedia",
        organisers="Programa Ibermedia, on behalf of its 19 member countries",
        description=IBERMEDIA_DESCRIPTION,
        website="https://www.programaibermedia.com/",
    )
    opens_on = today - dt.timedelta(weeks=2)
    closes_on = today + dt.timedelta(weeks=8)
    year = closes_on.year
    edition = _ensure_edition(
        report,
        programme=programme,
        slug=str(year),
        state=EditionState.PUBLIC,
        number=year - 1997,  # one round of calls a year since 1998
        year=year,
        time_zone=time_zone,
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year, 12, 31),
    )
    _ensure_call(
        report,
        edition=edition,
        title=f"Co-production call {year}",
        guidelines=(
            "Financial assistance for the co-production of fiction and documentary films by "
            "independent producers of Ibermedia's 19 member countries. A project needs "
            "co-producers from at least two member countries, who together hold the majority "
            "of the film.\n\n"
            "Send the budget, the financing plan, the chain of title and the director's "
            "biography and filmography."
        ),
        opens_at=_local_moment(opens_on, time_zone, 10),
        closes_at=_local_moment(closes_on, time_zone, 18),
        eligible_countries=IBERMEDIA_MEMBERS,
        minimum_runtime=60,
        accepted_stages=list(ProductionStage.values),
        required_materials=[
            Material.BUDGET,
            Material.FINANCING_PLAN,
            Material.CHAIN_OF_TITLE,
            Material.DIRECTOR_FILMOGRAPHY,
        ],
        majority_from_eligible_countries=True,
        min_eligible_countries=2,
    )


def _giff_imcine_forum(report: DemoReport, *, today: dt.date, users: dict[str, User]) -> None:
    time_zone = "America/Mexico_City"
    programme = _ensure_programme(
        report,
        slug="giff-imcine-bilateral-forum",
        team=[],
        name="GIFF + IMCINE Bilateral Forum",
        organisers="Guanajuato International Film Festival (GIFF); "
        "Instituto Mexicano de Cinematografía (IMCINE)",
        description=GIFF_DESCRIPTION,
        website="https://www.giff.mx/",
    )
    opens_on = today - dt.timedelta(weeks=1)
    closes_on = today + dt.timedelta(weeks=10)
    year = _first_year_after(7, 20, closes_on + dt.timedelta(weeks=2))
    edition = _ensure_edition(
        report,
        programme=programme,
        slug="9-japan-mexico",
        state=EditionState.PUBLIC,
        number=9,
        year=year,
        title="9th Bilateral Forum: Japan–Mexico",
        time_zone=time_zone,
        starts_on=dt.date(year, 7, 20),
        ends_on=dt.date(year, 7, 22),
    )
    _ensure_session(
        report,
        edition=edition,
        city="Guanajuato",
        country="MX",
        name="Bilateral Forum, Guanajuato",
        starts_on=dt.date(year, 7, 20),
        ends_on=dt.date(year, 7, 22),
        places=6,
    )
    _ensure_call(
        report,
        edition=edition,
        title="Japan–Mexico co-production projects",
        guidelines=(
            "The Forum brings together film industry representatives from Japan and Mexico "
            "to explore co-production and cooperation between both countries. Projects need "
            "co-producers from both Japan and Mexico."
        ),
        opens_at=_local_moment(opens_on, time_zone, 10),
        closes_at=_local_moment(closes_on, time_zone, 23, 59),
        eligible_countries=["JP", "MX"],
        minimum_runtime=60,
        accepted_stages=list(ProductionStage.values),
        required_materials=[
            Material.STILLS,
            Material.BUDGET,
            Material.FINANCING_PLAN,
            Material.DIRECTOR_FILMOGRAPHY,
        ],
        majority_from_eligible_countries=True,
        min_eligible_countries=2,
    )


@transaction.atomic
def load_demo(*, today: dt.date | None = None) -> DemoReport:
    """Create whatever part of the demo is missing; see the module's docstring."""
    today = today or timezone.localdate()
    report = DemoReport()
    users = {key: _ensure_user(report, account) for key, account in ACCOUNTS.items()}
    edition, jurors = _films_in_progress(report, today=today, users=users)
    # The demo's jurors and staff read the criteria and documents in English.
    with translation.override("en"):
        _films_in_progress_jury(report, today=today, users=users, edition=edition, jurors=jurors)
        _films_in_progress_last_year(report, today=today, users=users, programme=edition.programme)
    _ibermedia(report, today=today, users=users)
    _giff_imcine_forum(report, today=today, users=users)
    return report
