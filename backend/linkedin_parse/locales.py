"""Words LinkedIn writes in the viewer's UI language (en, fr, de, es, pt, it, nl).

Every entry is *folded*: lower case, accents removed, curly apostrophes straightened (see
``text.fold``). Month abbreviations are listed without their trailing dot.
"""

from __future__ import annotations

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan janvier janv januar jaenner janner enero ene janeiro gennaio gen januari",
        "february feb fevrier fevr fev februar febrero febr fevereiro febbraio februari",
        "march mar mars marz maerz mrz marzo marco maart mrt",
        "april apr avril avr abril abr aprile",
        "may mai mayo maio maggio mag mei",
        "june jun juin juni junio junho giugno giu",
        "july jul juillet juil juli julio julho luglio lug",
        "august aug aout agosto ago augustus",
        "september sep sept septembre septiembre setiembre setembro set settembre",
        "october oct octobre oktober okt octubre outubro out ottobre ott",
        "november nov novembre noviembre novembro",
        "december dec decembre dezember dez diciembre dic dezembro dicembre",
    ),
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _number

PRESENT = (
    "present",
    "now",
    "current",
    "today",
    "aujourd'hui",
    "aujourdhui",
    "a ce jour",
    "actuel",
    "heute",
    "bis heute",
    "jetzt",
    "la actualidad",
    "actualidad",
    "actualmente",
    "presente",
    "o momento",
    "momento",
    "atual",
    "atualmente",
    "oggi",
    "ad oggi",
    "attuale",
    "heden",
    "nu",
    "huidig",
)

# Employment types and workplace types: the words that follow a company ("Acme · Full-time").
EMPLOYMENT_WORDS = frozenset(
    {
        "full-time",
        "full time",
        "fulltime",
        "part-time",
        "part time",
        "parttime",
        "contract",
        "contractor",
        "internship",
        "intern",
        "freelance",
        "freelancer",
        "self-employed",
        "self employed",
        "seasonal",
        "apprenticeship",
        "temporary",
        "permanent",
        "volunteer",
        "trainee",
        "on-site",
        "onsite",
        "on site",
        "hybrid",
        "remote",
        "temps plein",
        "temps partiel",
        "cdi",
        "cdd",
        "stage",
        "stagiaire",
        "independant",
        "independante",
        "alternance",
        "contrat en alternance",
        "contrat d'apprentissage",
        "apprentissage",
        "interim",
        "saisonnier",
        "benevole",
        "contrat",
        "sur site",
        "hybride",
        "teletravail",
        "a distance",
        "en presentiel",
        "vollzeit",
        "teilzeit",
        "praktikum",
        "selbststandig",
        "selbstandig",
        "freiberuflich",
        "befristet",
        "ausbildung",
        "werkstudent",
        "werkstudentin",
        "festanstellung",
        "saisonal",
        "freie mitarbeit",
        "vor ort",
        "jornada completa",
        "media jornada",
        "jornada parcial",
        "contrato temporal",
        "practicas",
        "autonomo",
        "por cuenta propia",
        "temporal",
        "aprendiz",
        "contrato de practicas",
        "presencial",
        "hibrido",
        "en remoto",
        "remoto",
        "tempo integral",
        "meio periodo",
        "meio expediente",
        "estagio",
        "temporario",
        "contrato",
        "a tempo pieno",
        "tempo pieno",
        "contratto",
        "tirocinio",
        "libero professionista",
        "lavoro autonomo",
        "apprendistato",
        "stagionale",
        "contratto a termine",
        "in sede",
        "ibrido",
        "da remoto",
        "voltijd",
        "deeltijd",
        "zelfstandige",
        "zzp",
        "tijdelijk",
        "leerling",
        "vast",
        "op locatie",
        "op afstand",
    }
)

WORKPLACE_WORDS = frozenset(
    {
        "on-site",
        "onsite",
        "on site",
        "hybrid",
        "remote",
        "sur site",
        "hybride",
        "teletravail",
        "a distance",
        "en presentiel",
        "vor ort",
        "presencial",
        "hibrido",
        "en remoto",
        "remoto",
        "in sede",
        "ibrido",
        "da remoto",
        "op locatie",
        "op afstand",
    }
)

# Duration units ("3 yrs 2 mos", "4 ans 7 mois", "2 Jahre 1 Monat", "1 año 3 meses" ...).
DURATION_UNITS = (
    "yrs yr years year mos mo months month ans an mois jahre jahren jahr monate monaten monat mon "
    "anos ano meses mes anni anno mesi mese jaar jr maanden maand mnd"
).split()
DURATION_PHRASES = (
    "less than a year",
    "less than a month",
    "moins d'un an",
    "moins d'un mois",
    "weniger als ein jahr",
    "menos de un ano",
    "menos de um ano",
    "meno di un anno",
    "minder dan een jaar",
)
DURATION_JOINERS = ("and", "et", "und", "y", "e", "en")

EXPERIENCE_HEADINGS = frozenset(
    {
        "experience",
        "work experience",
        "berufserfahrung",
        "erfahrung",
        "experiencia",
        "experiencia laboral",
        "esperienza",
        "esperienza lavorativa",
        "ervaring",
        "werkervaring",
        "experiencia profissional",
    }
)

# Name parts that are not the person's last name.
GENERATIONAL_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v", "jnr", "snr"})
CREDENTIALS = frozenset(
    """
    phd ph.d dphil mba emba md m.d do dds dmd dvm rn np pa cpa cfa cfp cma cia cisa cissp cism pmp
    prince2 csm cspo psm itil msc m.sc ms m.s mse meng m.eng beng b.eng bsc b.sc ba b.a ma m.a bs
    b.s llb llm ll.m jd j.d esq peng p.eng pe p.e ceng frm caia acca aca fca cima chrp cphr
    shrm-cp shrm-scp sphr phr gphr cipd mcipd faia aia leed mrics frics cscp cpim cips mcips
    dipl.-ing dipl-ing mph mpa mfa mha facs frcs mrcp frcp
    """.split()
)
HONORIFICS = frozenset(
    "dr dra doctor prof profa professor mr mrs ms miss mx mme mlle m herr frau sr sra srta dott "
    "ing lic".split()
)
NAME_PARTICLES = frozenset(
    "van von der den de del della delle dei degli di da das do dos du le la lo los las ter ten "
    "te op st st. saint sainte bin binti ibn al el y e i zu vander vom zum".split()
)
# Languages whose names carry two family names (father's and mother's): "García López".
TWO_FAMILY_NAMES = frozenset({"es", "pt", "ca", "gl"})
# The UI language an Experience heading is written in, when nothing else on the page says.
# Portuguese "Experiência" folds like Spanish "Experiencia": both name with two family names.
HEADING_LANGUAGES = {
    "experience": "en",  # also French "Expérience": one family name as well
    "work experience": "en",
    "berufserfahrung": "de",
    "erfahrung": "de",
    "experiencia": "es",
    "experiencia laboral": "es",
    "experiencia profissional": "pt",
    "esperienza": "it",
    "esperienza lavorativa": "it",
    "ervaring": "nl",
    "werkervaring": "nl",
}

# Headings of the sections that follow Experience; their dates (schooling, projects,
# volunteering) are not positions, so reading an experience section stops at them.
OTHER_SECTION_HEADINGS = frozenset(
    {
        "education",
        "formation",
        "ausbildung",
        "educacion",
        "formacion",
        "formacion academica",
        "formacao",
        "formacao academica",
        "istruzione",
        "formazione",
        "opleiding",
        "onderwijs",
        "licenses & certifications",
        "licences et certifications",
        "lizenzen & zertifikate",
        "lizenzen und zertifikate",
        "licencias y certificaciones",
        "licencas e certificados",
        "licenze e certificazioni",
        "licenties en certificaten",
        "volunteering",
        "volunteer experience",
        "benevolat",
        "experience de benevolat",
        "ehrenamtliches engagement",
        "ehrenamt",
        "voluntariado",
        "experiencia de voluntariado",
        "volontariato",
        "esperienza di volontariato",
        "vrijwilligerswerk",
        "projects",
        "projets",
        "projekte",
        "proyectos",
        "projetos",
        "progetti",
        "projecten",
        "skills",
        "competences",
        "kenntnisse",
        "aptitudes",
        "competencias",
        "competenze",
        "vaardigheden",
        "honors & awards",
        "distinctions",
        "auszeichnungen",
        "publications",
        "courses",
        "languages",
        "langues",
        "sprachen",
        "idiomas",
        "lingue",
        "talen",
        "recommendations",
        "interests",
        "activity",
        "about",
        "infos",
        "summary",
    }
)
