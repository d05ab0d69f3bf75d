# ruff: noqa: E501 - HTML templates keep their lines as a page would have them
"""Build the golden pages in tests/fixtures/linkedin/ from person specs (run by hand, output committed).

Run: ``.venv/bin/python tests/linkedin_parse/build_fixtures.py``

The pages follow reference/linkedin-pages.md (hooks, date formats, grouped roles, JSON islands) and
carry noise around the profile: navigation, scripts, styles, SVG icons, images, "people also
viewed" rails and, on Recruiter, the search list behind the drawer, which reuses the profile's
hooks. The expected JSON is written from the same specs, never from the parser.
Once generated, each pair is a fixture like any other: edit by hand if a case needs it.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "linkedin"
# Images are inline pixels and there are no external scripts or styles: the end-to-end tests
# serve these pages to a browser without internet, where a remote fetch would stall "load".
PIXEL = "data:image/gif;base64,R0lGODlhAQABAAAAACw="
TODAY = (2026, 11)

MONTHS = {
    "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(),
    "fr": "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.".split(),
    "de": "Jan. Feb. März Apr. Mai Juni Juli Aug. Sept. Okt. Nov. Dez.".split(),
    "es": "ene. feb. mar. abr. may. jun. jul. ago. sept. oct. nov. dic.".split(),
    "it": "gen feb mar apr mag giu lug ago set ott nov dic".split(),
    "pt": "jan. fev. mar. abr. mai. jun. jul. ago. set. out. nov. dez.".split(),
    "nl": "jan. feb. mrt. apr. mei jun. jul. aug. sep. okt. nov. dec.".split(),
}
PRESENT = {
    "en": "Present",
    "fr": "aujourd’hui",
    "de": "Heute",
    "es": "actualidad",
    "it": "Presente",
    "pt": "o momento",
    "nl": "heden",
}
UNITS = {
    "en": ("yr", "yrs", "mo", "mos"),
    "fr": ("an", "ans", "mois", "mois"),
    "de": ("Jahr", "Jahre", "Monat", "Monate"),
    "es": ("año", "años", "mes", "meses"),
    "it": ("anno", "anni", "mese", "mesi"),
    "pt": ("ano", "anos", "mês", "meses"),
    "nl": ("jaar", "jaar", "maand", "maanden"),
}
FULL_TIME = {
    "en": "Full-time",
    "fr": "Temps plein",
    "de": "Vollzeit",
    "es": "Jornada completa",
    "it": "A tempo pieno",
    "pt": "Tempo integral",
    "nl": "Fulltime",
}
HEADINGS = {
    "en": "Experience",
    "fr": "Expérience",
    "de": "Berufserfahrung",
    "es": "Experiencia",
    "it": "Esperienza",
    "pt": "Experiência",
    "nl": "Ervaring",
}


@dataclass
class Role:
    title: str
    start: str | None  # "YYYY-MM" / "YYYY"
    end: str | None  # None: current
    location: str | None = None
    employment: str | None = None  # shown after the company ("Acme · Full-time")
    description: str | None = None
    undated: bool = False  # the page shows no date line at all (start/end None, not current)


@dataclass
class Job:
    company: str
    roles: list[Role]
    location: str | None = None  # grouped header location (vanilla)


@dataclass
class Person:
    display_name: str
    full: str | None
    first: str | None
    last: str | None
    headline: str | None
    location: str | None
    jobs: list[Job]
    slug: str | None = None
    lang: str = "en"
    extras: dict = field(default_factory=dict)


def esc(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def fmt_date(value: str | None, lang: str, de: bool = False) -> str:
    if value is None:
        return PRESENT[lang]
    year, _, month = value.partition("-")
    if not month:
        return year
    name = MONTHS[lang][int(month) - 1]
    return f"{name} de {year}" if de else f"{name} {year}"


def duration(role: Role, lang: str) -> str:
    sy, _, sm = (role.start or "2000").partition("-")
    if role.end is None:
        ey, em = TODAY
    else:
        eyt, _, emt = role.end.partition("-")
        ey, em = int(eyt), int(emt or 12)
    months = max(1, (ey - int(sy)) * 12 + em - int(sm or 1) + 1)
    years, rest = divmod(months, 12)
    y1, yn, m1, mn = UNITS[lang]
    parts = []
    if years:
        parts.append(f"{years} {y1 if years == 1 else yn}")
    if rest:
        parts.append(f"{rest} {m1 if rest == 1 else mn}")
    return " ".join(parts)


def date_range(role: Role, lang: str, dash: str = " – ", de: bool = False) -> str:
    return f"{fmt_date(role.start, lang, de)}{dash}{fmt_date(role.end, lang, de)}"


def expected(person: Person, url: str, source: str, layout: str, warnings=(), **over) -> dict:
    positions = []
    for job in person.jobs:
        for role in job.roles:
            positions.append(
                {
                    "title": role.title,
                    "company": job.company,
                    "start": role.start,
                    "end": role.end,
                    "current": role.end is None and not role.undated,
                    "location": role.location or (job.location if len(job.roles) > 1 else None),
                }
            )
    positions = over.pop("positions", positions)
    current = next((p for p in positions if p["current"]), None)
    profile = {
        "source": source,
        "full_name": person.full,
        "first_name": person.first,
        "last_name": person.last,
        "headline": person.headline,
        "location": person.location,
        "company": current["company"] if current else None,
        "title": current["title"] if current else None,
        "linkedin_url": f"https://www.linkedin.com/in/{person.slug}" if person.slug else None,
        "positions": positions,
        "layout": layout,
        "warnings": list(warnings),
    }
    profile.update(over)
    return {"url": url, "profile": profile}


# --- shared noise -------------------------------------------------------------------------------

ICON = (
    '<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">'
    '<path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20z"></path></svg>'
)


def document(title: str, body: str, lang: str, app: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="{lang}" class="theme theme--mercado artdeco">
<head>
<meta charset="utf-8">
<title>{esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>.visually-hidden{{position:absolute;clip:rect(1px,1px,1px,1px)}}</style>
<script>window.__li_page = {{"app": "{app}", "lix": {{"a": 1}}}};</script>
</head>
<body class="render-mode-BIGPIPE nav-v2 ember-application boot-complete" dir="ltr">
<a href="#main" class="skip-link">Skip to main content</a>
{body}
<script>document.body.classList.add("js");</script>
<div id="artdeco-toasts__wormhole" class="artdeco-toasts_toasts"></div>
</body>
</html>
"""


# --- Recruiter ----------------------------------------------------------------------------------


def recruiter_rows(rows: list[tuple[str, str, str, str]]) -> str:
    items = []
    for name, headline, history, ident in rows:
        items.append(f"""
<li class="profile-list__border-bottom" data-test-paginated-list-item="">
 <article class="profile-list-item" data-test-search-result="" data-live-test-row-lockup="">
  <div class="artdeco-entity-lockup artdeco-entity-lockup--size-4">
   <div class="artdeco-entity-lockup__image"><img data-test-lockup-image="" alt="" src="{PIXEL}"></div>
   <div class="artdeco-entity-lockup__content">
    <span data-test-row-lockup-full-name=""><div class="artdeco-entity-lockup__title">
      <a data-test-link-to-profile-link="" href="/talent/hire/880011/discover/recruiterSearch/profile/{ident}?searchContextId=5a1">{esc(name)}</a></div></span>
    <div class="artdeco-entity-lockup__degree">·&nbsp;2nd</div>
    <div class="artdeco-entity-lockup__subtitle"><span data-test-row-lockup-headline="">{esc(headline)}</span></div>
    <div class="artdeco-entity-lockup__caption" data-test-row-lockup-location="">· Berlin, Germany</div>
   </div>
  </div>
  <dl class="history-group"><dt data-test-history-group-definition="">Experience</dt>
   <dd data-test-description-description="">{history}</dd></dl>
 </article>
</li>""")
    return f"""
<section class="search-results" data-test-search-results="">
 <ol class="profile-list" data-test-paginated-list="">{"".join(items)}
 </ol>
</section>"""


def recruiter_position(job: Job, role: Role, lang: str, dash: str) -> str:
    company_line = (
        f'<a data-test-position-entity-company-link="" class="position-item__company-link" '
        f'href="/talent/company/1234">{esc(job.company)}</a>'
    )
    if role.employment:
        company_line += (
            f' <span data-test-position-entity-employment-status="">· {esc(role.employment)}</span>'
        )
    location = (
        f"""<dt class="visually-hidden">Location</dt>
     <dd class="background-entity__summary-definition--location" data-test-position-entity-location="">{esc(role.location)}</dd>"""
        if role.location
        else ""
    )
    description = (
        f"""<dd class="background-entity__summary-definition--description" data-test-position-entity-description="">
      <div class="text-highlighter__text">{esc(role.description)}</div></dd>"""
        if role.description
        else ""
    )
    dates = (
        ""
        if role.undated
        else f"""<dt class="visually-hidden">Dates Employed</dt>
   <dd class="background-entity__summary-definition--date-duration">
    <span class="background-entity__date-range" data-test-position-entity-date-range="">{esc(date_range(role, lang, dash))}</span>
    <span aria-hidden="true">•</span>
    <span class="background-entity__duration" data-test-position-entity-duration="">{esc(duration(role, lang))}</span>
   </dd>"""
    )
    return f"""
<li class="expandable-list-profile-core__list-item" data-test-position-list-container="">
 <div class="background-entity position-item" data-test-position-entity="">
  <div class="position-item__logo"><img alt="{esc(job.company)}" src="{PIXEL}"></div>
  <dl>
   <h3 class="background-entity__summary-definition--title">
    <a class="position-item__position-title-link" data-test-position-entity-title="" href="#">
     <span class="text-highlighter__text">{highlight(role.title)}</span></a></h3>
   <dt class="visually-hidden">Company Name</dt>
   <dd class="background-entity__summary-definition--subtitle" data-test-position-entity-company-name="">{company_line}</dd>
   {dates}
   {location}
   {description}
  </dl>
 </div>
</li>"""


def highlight(title: str) -> str:
    """Search keyword highlight in the middle of a title (Recruiter <em class="sh">)."""
    words = title.split()
    if len(words) < 2:
        return esc(title)
    return esc(words[0]) + ' <em class="sh">' + esc(words[1]) + "</em> " + esc(" ".join(words[2:]))


def recruiter_group(job: Job, lang: str, dash: str) -> str:
    roles = []
    for role in job.roles:
        location = (
            f'<div data-test-grouped-position-entity-location="">{esc(role.location)}</div>'
            if role.location
            else ""
        )
        employment = (
            f'<span data-test-grouped-position-entity-employment-status="">{esc(role.employment)}</span>'
            if role.employment
            else ""
        )
        roles.append(f"""
   <li class="grouped-position-entity__position" data-test-position="">
    <div class="grouped-position-entity__metadata-container" data-test-grouped-position-entity-metadata-container="">
     <h4><a data-test-grouped-position-title-link="" href="#"><span data-test-grouped-position-entity-title="">{esc(role.title)}</span></a></h4>
     {employment}
     <div class="t-14">
      <span data-test-grouped-position-entity-date-range="">{esc(date_range(role, lang, dash))}</span>
      <span aria-hidden="true">•</span>
      <span data-test-grouped-position-entity-duration="">{esc(duration(role, lang))}</span>
     </div>
     {location}
    </div>
   </li>""")
    total = duration(Role("", job.roles[-1].start, job.roles[0].end), lang)
    return f"""
<li class="expandable-list-profile-core__list-item" data-test-group-position-list-container="">
 <div class="grouped-position-entity">
  <div class="grouped-position-entity__header">
   <img alt="" src="{PIXEL}">
   <a data-test-grouped-position-entity-company-link="" href="/talent/company/99">
    <strong class="grouped-position-entity__company-name" data-test-grouped-position-entity-company-name="">{esc(job.company)}</strong></a>
   <div class="t-14 t-black--light" data-test-grouped-position-entity-date-overall-range="">{esc(total)}</div>
  </div>
  <ul data-test-position-list="">{"".join(roles)}
  </ul>
 </div>
</li>"""


def recruiter_page(
    person: Person,
    *,
    drawer: bool,
    rows: list | None = None,
    public_url: bool = True,
    experience: bool = True,
    current_employer: str | None = None,
) -> str:
    lang, dash = person.lang, " – "
    items = []
    for job in person.jobs:
        if len(job.roles) > 1:
            items.append(recruiter_group(job, lang, dash))
        else:
            items.append(recruiter_position(job, job.roles[0], lang, dash))
    experience_card = (
        f"""
  <div class="background-card" data-test-profile-background-card="">
   <section class="experience-card" data-test-experience-card="">
    <h2 class="background-card__title">{HEADINGS[lang]}</h2>
    <div data-test-expandable-stepper="">
     <ul class="expandable-list-profile-core__list artdeco-list">{"".join(items)}
     </ul>
     <button data-test-expandable-button="" aria-expanded="true">Show fewer positions</button>
    </div>
   </section>
   <section class="education-card">
    <h2>Education</h2>
    <div class="background-entity education-item" data-test-education-item="">
     <span data-test-education-entity-school-name="">Université Paris-Saclay</span>
     <span data-test-education-entity-dates="">2010 – 2015</span></div>
   </section>
  </div>"""
        if experience
        else ""
    )
    personal = (
        f"""
  <div class="personal-info" data-test-personal-info-subsection="">
   <h3>Contact info</h3>
   <div class="personal-info__content">
    <a data-test-personal-info-profile-link="" href="https://www.linkedin.com/in/{person.slug}">
     <span data-test-personal-info-profile-link-text="">www.linkedin.com/in/{person.slug}</span></a>
   </div>
  </div>"""
        if public_url and person.slug
        else ""
    )
    employer = (
        f"""<div data-test-topcard-condensed-lockup-current-employer="">{esc(current_employer)}</div>"""
        if current_employer
        else ""
    )
    profile = f"""
<div id="profile-container" class="profile" data-test-profile-container="" data-live-test-profile-container="">
 <div class="profile__topcard-wrapper">
  <div class="artdeco-entity-lockup artdeco-entity-lockup--size-7" data-test-topcard-condensed-lockup="">
   <div class="artdeco-entity-lockup__image"><img data-test-avatar-image="" aria-label="{esc(person.display_name)} is open to work" src="{PIXEL}"></div>
   <div class="artdeco-entity-lockup__content topcard-condensed__content-left">
    <span data-test-row-lockup-full-name=""><div class="artdeco-entity-lockup__title">{esc(person.display_name)}</div></span>
    <span class="artdeco-entity-lockup__degree">·&nbsp;3rd</span>
    <div class="artdeco-entity-lockup__subtitle"><span data-test-row-lockup-headline=""><span class="text-highlighter__text">{esc(person.headline)}</span></span></div>
    <div class="artdeco-entity-lockup__caption" data-test-row-lockup-location="">· {esc(person.extras.get("location_display", person.location))}</div>
    {employer}
    <span data-test-topcard-condensed-lockup-connection-count="">500+ connections</span>
    <button id="topcard-public-profile-hoverable-btn" data-test-public-profile-trigger="">Public profile</button>
   </div>
  </div>
 </div>
 <div class="profile__details">
  <section data-test-summary-card=""><h2>Summary</h2><p data-test-summary-card-text="">I build teams and the systems they run on.</p></section>
  {experience_card}
  <div data-test-profile-skills-card=""><h2>Skills</h2><span data-test-skill-entity-skill-name="">Kubernetes</span></div>
  {personal}
 </div>
</div>"""
    chrome = f"""
<header class="global-nav" role="banner">{ICON}<a href="/talent/home">Recruiter</a>
 <nav><a href="/talent/projects">Projects</a><a href="/talent/inbox">Messages</a><a href="/talent/jobs">Jobs</a></nav></header>"""
    if drawer:
        body = f"""{chrome}
<main id="main" class="application-outlet">
 <h1 class="visually-hidden">Search results</h1>
 <div class="search-filters"><h2>Filters</h2><span>Job titles</span><span>Locations</span></div>
 {recruiter_rows(rows or [])}
 <div class="profile-slidein__wrapper" role="dialog" aria-label="Profile">
  <button class="profile-slidein__close" aria-label="Close">{ICON}</button>
  {profile}
 </div>
</main>"""
    else:
        body = f"""{chrome}
<main id="main" class="application-outlet">{profile}
 <aside class="similar-profiles"><h2>Similar profiles</h2>{recruiter_rows(rows or [])}</aside>
</main>"""
    return document(f"{person.display_name} | LinkedIn Recruiter", body, lang, "talent")


# --- regular profile, generation 2 ---------------------------------------------------------------


def dup(text: str) -> str:
    """Gen 2 renders every string twice: visible (aria-hidden) and for screen readers."""
    return (
        f'<span aria-hidden="true"><!---->{esc(text)}<!----></span>'
        f'<span class="visually-hidden"><!---->{esc(text)}<!----></span>'
    )


def gen2_entity(title: str, lines: list[tuple[str, str]], sub: str = "") -> str:
    rows = "".join(f'<span class="{cls}">{dup(text)}</span>' for cls, text in lines)
    return f"""
<div class="pvs-entity pvs-entity--padded" data-view-name="profile-component-entity">
 <div><a class="optional-action-target-wrapper" href="https://www.linkedin.com/company/1234/">
  <img class="ivm-view-attr__img--centered" alt="" src="{PIXEL}"></a></div>
 <div class="display-flex flex-column full-width align-self-center">
  <div class="display-flex flex-row justify-space-between">
   <div class="display-flex flex-column full-width">
    <div class="display-flex align-items-center mr1 hoverable-link-text t-bold">{dup(title)}</div>
    {rows}
   </div>
  </div>
  <div class="pvs-entity__sub-components">{sub}</div>
 </div>
</div>"""


def gen2_experience(person: Person, details: bool) -> str:
    lang = person.lang
    items = []
    for job in person.jobs:
        if len(job.roles) == 1:
            role = job.roles[0]
            company = job.company + (f" · {role.employment}" if role.employment else "")
            lines = [
                ("t-14 t-normal", company),
                (
                    "t-14 t-normal t-black--light",
                    f"{date_range(role, lang, ' - ')} · {duration(role, lang)}",
                ),
            ]
            if role.location:
                lines.append(("t-14 t-normal t-black--light", role.location))
            sub = (
                f"""<ul><li><div class="inline-show-more-text">{dup(role.description)}</div></li>
                <li><div>{dup("Skills: Leadership · Python")}</div></li></ul>"""
                if role.description
                else ""
            )
            items.append(
                f'<li class="artdeco-list__item pvs-list__paged-list-item">{gen2_entity(role.title, lines, sub)}</li>'
            )
        else:
            nested = []
            for role in job.roles:
                lines = []
                if role.employment:
                    lines.append(("t-14 t-normal", role.employment))
                lines.append(
                    (
                        "t-14 t-normal t-black--light",
                        f"{date_range(role, lang, ' - ')} · {duration(role, lang)}",
                    )
                )
                if role.location:
                    lines.append(("t-14 t-normal t-black--light", role.location))
                nested.append(
                    f'<li class="pvs-list__paged-list-item">{gen2_entity(role.title, lines)}</li>'
                )
            total = duration(Role("", job.roles[-1].start, job.roles[0].end), lang)
            header = [("t-14 t-normal", f"{FULL_TIME[lang]} · {total}")]
            if job.location:
                header.append(("t-14 t-normal t-black--light", job.location))
            sub = f'<div class="pvs-list__outer-container"><ul class="pvs-list">{"".join(nested)}</ul></div>'
            items.append(
                f'<li class="artdeco-list__item pvs-list__paged-list-item">{gen2_entity(job.company, header, sub)}</li>'
            )
    footer = (
        ""
        if details
        else f'<div class="pvs-list__footer-wrapper"><a href="https://www.linkedin.com/in/{person.slug}/details/experience/">Show all {len(items)} experiences</a></div>'
    )
    return f"""
<section class="artdeco-card pv-profile-card break-words mt2" data-view-name="profile-card">
 {"" if details else '<div id="experience" class="pv-profile-card__anchor"></div>'}
 <div class="pvs-header__container"><h2 class="pvs-header__title text-heading-large">{dup(HEADINGS[lang])}</h2></div>
 <div class="pvs-list__outer-container"><ul class="pvs-list ph5 display-flex flex-row flex-wrap">{"".join(items)}</ul></div>
 {footer}
</section>"""


def gen2_page(person: Person, url: str, islands: list[dict] = ()) -> str:
    code = "".join(
        f'<code style="display: none" id="bpr-guid-{1000 + i}">{esc(json.dumps(d))}</code>'
        f'<code style="display: none" id="datalet-bpr-guid-{1000 + i}">{esc(json.dumps({"request": "/voyager/api/graphql", "status": 200, "body": f"bpr-guid-{1000 + i}"}))}</code>'
        for i, d in enumerate(islands)
    )
    current = next((j.company for j in person.jobs if j.roles[0].end is None), None)
    if "/details/" in url:  # the details page has no top card, only the full list
        body = f"""
<div class="application-outlet">
<header id="global-nav" class="global-nav">{ICON}<input placeholder="Search"><a href="/feed/">Home</a></header>
<div class="scaffold-layout scaffold-layout--main-aside">
<main id="main" class="scaffold-layout__main" aria-label="Main content">
<div class="pvs-header__left-container"><a href="/in/{person.slug}/" aria-label="Back to the profile">{ICON}</a></div>
{gen2_experience(person, details=True)}
</main>
<aside class="scaffold-layout__aside"><section class="artdeco-card"><h2>People also viewed</h2>
 <ul><li><a href="https://www.linkedin.com/in/other-person-42/"><span class="t-bold">{dup("Other Person")}</span></a></li></ul></section></aside>
</div>
{code}
</div>"""
        return document(f"{person.display_name} | LinkedIn", body, person.lang, "voyager-web")
    body = f"""
<div class="application-outlet">
<header id="global-nav" class="global-nav">{ICON}<input placeholder="Search"><a href="/feed/">Home</a><a href="/mynetwork/">My Network</a></header>
<div class="scaffold-layout scaffold-layout--main-aside">
<main id="main" class="scaffold-layout__main" aria-label="Main content">
<section class="artdeco-card pv-top-card" data-member-id="123456">
 <div class="pv-top-card__photo-wrapper"><img class="pv-top-card-profile-picture__image" alt="{esc(person.display_name)}" src="{PIXEL}"></div>
 <div class="ph5 pb5">
  <div class="mt2 relative">
   <div class="pv-text-details__left-panel">
    <a href="/in/{person.slug}/overlay/about-this-profile/" aria-label="{esc(person.display_name)}"><h1 class="text-heading-xlarge inline t-24 v-align-middle break-words">{esc(person.display_name)}</h1></a>
    <span class="pv-member-badge">{ICON}</span>
    <div class="text-body-medium break-words">{esc(person.headline)}</div>
   </div>
   <ul class="pv-text-details__right-panel">
    <li><button aria-label="Current company: {esc(current or "")}. Click to skip to experience card">{esc(current or "")}</button></li>
   </ul>
   <div class="mt2">
    <span class="text-body-small inline t-black--light break-words">{esc(person.location)}</span>
    <span class="pv-text-details__separator">·</span>
    <a id="top-card-text-details-contact-info" href="/in/{person.slug}/overlay/contact-info/">Contact info</a>
   </div>
   <ul><li class="text-body-small"><span class="t-bold">500+</span> connections</li></ul>
  </div>
 </div>
</section>
<section class="artdeco-card" data-view-name="profile-card"><div id="about"></div><h2>{dup("About")}</h2>
 <div class="inline-show-more-text">{dup("Engineer who likes boring technology.")}</div></section>
{gen2_experience(person, details="/details/" in url)}
<section class="artdeco-card" data-view-name="profile-card"><div id="education"></div><h2>{dup("Education")}</h2>
 <ul><li>{gen2_entity("Technische Universiteit Delft", [("t-14 t-normal", "MSc, Computer Science"), ("t-14 t-normal t-black--light", "2008 - 2013")])}</li></ul></section>
</main>
<aside class="scaffold-layout__aside" aria-label="More profiles for you">
 <section class="artdeco-card"><h2>People also viewed</h2>
  <ul><li><a href="https://www.linkedin.com/in/other-person-42/"><span class="t-bold">{dup("Other Person")}</span></a>
   <div class="t-14">{dup("Head of Growth at Initech")}</div></li></ul></section>
</aside>
</div>
{code}
</div>"""
    return document(f"{person.display_name} | LinkedIn", body, person.lang, "voyager-web")


# --- regular profile, generation 3 (SDUI) -------------------------------------------------------


def sdui_item(job: Job, lang: str, logo: str, slug: str) -> str:
    if len(job.roles) == 1:
        role = job.roles[0]
        company = job.company + (f" · {role.employment}" if role.employment else "")
        location = f"<p>{esc(role.location)}</p>" if role.location else ""
        description = (
            f'<div data-testid="expandable-text-box"><p><span>{esc(role.description)}</span></p></div>'
            if role.description
            else ""
        )
        return f"""
<div class="a1b2c3d4 e5f6g7">
 <a class="h8i9j0" href="https://www.linkedin.com/company/{abs(hash(job.company)) % 99999}/"><figure aria-label="{esc(logo.format(job.company))}"><img alt="" src="{PIXEL}"></figure></a>
 <div class="k1l2m3">
  <p class="n4o5p6"><span>{esc(role.title)}</span></p>
  <p class="q7r8s9">{esc(company)}</p>
  <p class="t1u2v3">{esc(date_range(role, lang, " - "))} · {esc(duration(role, lang))}</p>
  {location}
  {description}
  <a href="https://www.linkedin.com/in/{slug}/details/skills/skill-associations-details/"><p>Python, Go et +3 compétences</p></a>
 </div>
</div>"""
    roles = []
    for role in job.roles:
        location = f"<p>{esc(role.location)}</p>" if role.location else ""
        roles.append(f"""
  <li class="w4x5y6"><div class="z7a8b9">
   <p><span>{esc(role.title)}</span></p>
   <p>{esc(date_range(role, lang, " - "))} · {esc(duration(role, lang))}</p>
   {location}
  </div></li>""")
    total = duration(Role("", job.roles[-1].start, job.roles[0].end), lang)
    employment = job.roles[0].employment or ""
    return f"""
<div class="a1b2c3d4 e5f6g7">
 <div class="c0d1e2">
  <a class="h8i9j0" href="https://www.linkedin.com/company/5551/"><figure aria-label="{esc(logo.format(job.company))}"><img alt="" src="{PIXEL}"></figure><p>{esc(job.company)}</p></a>
  <p>{esc(employment)} · {esc(total)}</p>
 </div>
 <ul class="f3g4h5">{"".join(roles)}
 </ul>
</div>"""


def sdui_page(person: Person, url: str, details: bool, logo: str) -> str:
    lang = person.lang
    items = [sdui_item(job, lang, logo, person.slug) for job in person.jobs]
    member = "ACoAABCdEfGhIjK"
    if details:
        entries = "".join(
            f'<div componentkey="entity-collection-item-{i}">{item}</div>'
            for i, item in enumerate(items)
        )
        main = f"""
<main id="workspace" class="m1n2o3">
 <div data-component-type="LazyColumn" data-testid="com.linkedin.sdui.profile.card.ref{member}ExperienceDetailsSection" componentkey="com.linkedin.sdui.profile.card.ref{member}ExperienceDetailsSection">
  <div class="p4q5r6"><a href="/in/{person.slug}/" aria-label="Back">{ICON}</a><h2 class="s7t8u9">{HEADINGS[lang]}</h2></div>
  {entries}
 </div>
</main>"""
    else:
        separated = '<hr role="presentation" class="v1w2x3">'.join(items)
        main = f"""
<main id="workspace" class="m1n2o3">
 <section componentkey="com.linkedin.sdui.profile.card.ref{member}Topcard" class="y4z5a6">
  <div data-view-name="profile-top-card">
   <div data-view-name="profile-top-card-member-photo"><img alt="" src="{PIXEL}"></div>
   <div class="b7c8d9">
    <a href="/in/{person.slug}/overlay/about-this-profile/"><h2 class="e1f2g3">{esc(person.display_name)}</h2></a>
    <p class="h4i5j6">{esc(person.headline)}</p>
    <p class="k7l8m9">{esc(person.jobs[0].company)} · École Polytechnique</p>
    <p class="n1o2p3">{esc(person.location)}</p>
    <p><a href="/in/{person.slug}/overlay/contact-info/">{"Coordonnées" if lang == "fr" else "Contact info"}</a></p>
    <a data-view-name="profile-top-card-view-all-connections" href="/mynetwork/"><p>500+ relations</p></a>
   </div>
  </div>
 </section>
 <div data-view-name="profile-card-about"><section componentkey="com.linkedin.sdui.profile.card.ref{member}About"><h2>Infos</h2><p>Product person.</p></section></div>
 <div data-view-name="profile-card-experience">
  <section componentkey="com.linkedin.sdui.profile.card.ref{member}ExperienceTopLevelSection">
   <h2 class="q4r5s6">{HEADINGS[lang]}</h2>
   {separated}
   <a href="/in/{person.slug}/details/experience/"><p>Afficher les {len(items)} expériences</p></a>
  </section>
 </div>
 <div data-view-name="profile-card-education"><section componentkey="com.linkedin.sdui.profile.card.ref{member}EducationTopLevelSection">
  <h2>Formation</h2><div><p>École Polytechnique</p><p>2009 - 2012</p></div></section></div>
</main>"""
    body = f"""
<div id="root">
<nav class="c1d2e3" aria-label="Primary">{ICON}<a href="/feed/">Accueil</a><a href="/jobs/">Emplois</a></nav>
{main}
<aside class="f4g5h6" aria-label="Suggestions"><h2>Autres profils consultés</h2>
 <div><a href="https://www.linkedin.com/in/someone-else/"><p>Someone Else</p></a><p>CTO chez Foo</p></div></aside>
</div>"""
    return document(f"{person.display_name} | LinkedIn", body, lang, "sdui")


# --- Sales Navigator ----------------------------------------------------------------------------


def sales_page(person: Person) -> str:
    lang = person.lang
    de = lang in ("es", "pt")
    items = []
    for job in person.jobs:
        if len(job.roles) == 1:
            role = job.roles[0]
            location = (
                f'<span data-anonymize="location" class="_bodyText_1e5nen">{esc(role.location)}</span>'
                if role.location
                else ""
            )
            items.append(f"""
<li class="_experience-entry_1irc72">
 <div class="_lockup_1kq9pc">
  <h3 class="_headingText_e3b563" data-anonymize="job-title">{esc(role.title)}</h3>
  <p class="_bodyText_1e5nen"><a data-anonymize="company-name" href="/sales/company/4242">{esc(job.company)}</a></p>
  <p class="_bodyText_1e5nen"><span>{esc(date_range(role, lang, "–", de))}</span><span class="_muted_1e5nen">{esc(duration(role, lang))}</span></p>
  {location}
  <p data-anonymize="person-blurb" title="{esc(role.description)}">{esc((role.description or "")[:40])}</p>
 </div>
</li>""")
        else:
            roles = []
            for role in job.roles:
                location = (
                    f'<span data-anonymize="location">{esc(role.location)}</span>'
                    if role.location
                    else ""
                )
                roles.append(f"""
   <li class="_role_8cbe11">
    <h3 class="_headingText_e3b563" data-anonymize="job-title">{esc(role.title)}</h3>
    <p><span>{esc(date_range(role, lang, "–", de))}</span><span>{esc(duration(role, lang))}</span></p>
    {location}
   </li>""")
            total = duration(Role("", job.roles[-1].start, job.roles[0].end), lang)
            items.append(f"""
<li class="_experience-group_1irc72">
 <div class="_group-header_1irc72">
  <h2 class="_headingText_e3b563"><a data-anonymize="company-name" href="/sales/company/777">{esc(job.company)}</a></h2>
  <span class="_muted_1e5nen">{esc(total)}</span>
 </div>
 <ul class="_roles_1irc72">{"".join(roles)}
 </ul>
</li>""")
    body = f"""
<div id="app-container">
<header class="_global-nav_a1b2c3">{ICON}<a href="/sales/home">Home</a><a href="/sales/lists/people">Lists</a><a href="/sales/inbox">Messaging</a></header>
<main id="content-main" class="_main_x9y8z7">
 <h1 class="a11y-text">Sales Navigator Lead Page</h1>
 <section id="profile-card-section" data-sn-view-name="feature-lead-top-card" class="_topcard_7f6e5d">
  <img data-anonymize="headshot-photo" alt="" src="{PIXEL}">
  <h1 data-x--lead--name="" data-anonymize="person-name" class="_headingText_e3b563">{esc(person.display_name)}</h1>
  <span class="_degree_1e5nen">· 2nd</span>
  <p data-x--lead-profile-card--headline="" class="_bodyText_1e5nen">{esc(person.headline)}</p>
  <div class="_bodyText_1e5nen">{esc(person.location)}</div>
  <div class="_bodyText_1e5nen">8:42 PM local time</div>
  <button data-x--lead-actions-bar-overflow-menu="" aria-label="Open actions overflow menu">{ICON}</button>
 </section>
 <section data-sn-view-name="feature-lead-about"><h2>About</h2><p data-anonymize="person-blurb">Sales leader.</p></section>
 <section data-sn-view-name="feature-lead-experience" data-x--lead--experience-section="">
  <h2 class="_headingText_e3b563">{HEADINGS[lang]}</h2>
  <ul class="_list_1irc72">{"".join(items)}
  </ul>
 </section>
 <section data-sn-view-name="feature-lead-education"><h2>Education</h2><ul><li><h3 data-anonymize="education-name">IE Business School</h3><p>2005 – 2007</p></li></ul></section>
</main>
<aside data-sn-view-name="lead-similar-leads"><h2>Similar leads</h2><ul><li><a href="/sales/lead/ACwAAZZZ,NAME_SEARCH,abc"><span data-anonymize="person-name">Other Lead</span></a><span data-anonymize="job-title">2 years 1 month in role | 3 years in company</span></li></ul></aside>
</div>"""
    return document(f"{person.display_name} | Sales Navigator", body, lang, "sales")


# --- the cases ----------------------------------------------------------------------------------


def write(case: str, page: str, exp: dict) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{case}.html").write_text(page, encoding="utf-8")
    (OUT / f"{case}.json").write_text(
        json.dumps(exp, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


SEARCH_ROWS = [
    (
        "Markus Weber",
        "Engineering Manager at Zalando",
        "Engineering Manager at Zalando <time>2019</time> – Present",
        "AEMAAAxyZ0001",
    ),
    (
        "Priya Natarajan",
        "Staff Engineer at Spotify",
        "Staff Engineer at Spotify <time>2021</time> – Present",
        "AEMAAAxyZ0002",
    ),
    (
        "Tomás Ferreira",
        "Backend Developer",
        "Backend Developer at Nubank <time>2018</time> – <time>2020</time>",
        "AEMAAAxyZ0003",
    ),
]


def build() -> None:
    # 1. Recruiter drawer over the search list: grouped roles, a current company, year-only dates.
    amelie = Person(
        display_name="Amélie Laurent-Dubois, PhD",
        full="Amélie Laurent-Dubois, PhD",
        first="Amélie",
        last="Laurent-Dubois",
        headline="Staff Engineer, Payments Infrastructure at Klarna",
        location="Stockholm, Sweden",
        slug="amelie-laurent-dubois",
        jobs=[
            Job(
                "Klarna",
                [
                    Role("Staff Engineer", "2024-02", None, "Stockholm, Sweden", "Full-time"),
                    Role("Senior Software Engineer", "2021-03", "2024-01", "Stockholm, Sweden"),
                ],
            ),
            Job(
                "Spotify",
                [Role("Software Engineer", "2018-06", "2021-02", "Paris, France", "Full-time")],
            ),
            Job(
                "Accenture",
                [Role("Technology Consultant", "2015", "2018", None, None, "Client work.")],
            ),
        ],
    )
    url = (
        "https://www.linkedin.com/talent/hire/880011/discover/recruiterSearch/profile/"
        "AEMAAAbCdEf123456?searchContextId=5a1&searchHistoryId=77&start=0"
    )
    write(
        "recruiter_grouped_roles",
        recruiter_page(amelie, drawer=True, rows=SEARCH_ROWS, current_employer="Klarna"),
        expected(amelie, url, "recruiter", "recruiter.drawer"),
    )

    # 2. A second Recruiter person on the full page: particles, MBA, concurrent roles, no groups.
    johannes = Person(
        display_name="Johannes van der Berg, MBA",
        full="Johannes van der Berg, MBA",
        first="Johannes",
        last="van der Berg",
        headline="VP Sales EMEA | SaaS",
        location="Amsterdam, North Holland, Netherlands",
        slug="jvdberg",
        jobs=[
            Job(
                "Mollie",
                [Role("VP Sales EMEA", "2022-09", None, "Amsterdam, Netherlands", "Full-time")],
            ),
            Job(
                "Stichting Code Kids",
                [Role("Board Member", "2020-01", None, None, "Volunteer")],
            ),
            Job(
                "Adyen",
                [
                    Role(
                        "Head of Sales Benelux",
                        "2017-04",
                        "2022-08",
                        "Amsterdam Area",
                        None,
                        "Grew the Benelux team from 4 to 30 people.",
                    )
                ],
            ),
            Job("Oracle", [Role("Account Executive", "2012", "2017")]),
        ],
    )
    url = "https://www.linkedin.com/talent/profile/AEMAAAJvDbErG0987?trk=FLAGSHIP_VIEW_IN_RECRUITER"
    write(
        "recruiter_profile_page",
        recruiter_page(johannes, drawer=False, rows=SEARCH_ROWS[:2]),
        expected(johannes, url, "recruiter", "recruiter.page"),
    )

    # 3. Recruiter profile without an experience section (and without a public URL).
    nobody = Person(
        display_name="Sam O’Neil",
        full="Sam O’Neil",
        first="Sam",
        last="O’Neil",
        headline="Student at Trinity College Dublin",
        location="Dublin, Ireland",
        slug=None,
        jobs=[],
    )
    url = "https://www.linkedin.com/talent/hire/553/manage/all/profile/AEMAAANoExP0001"
    write(
        "recruiter_no_experience",
        recruiter_page(nobody, drawer=True, rows=SEARCH_ROWS, experience=False),
        expected(
            nobody,
            url,
            "recruiter",
            "recruiter.drawer",
            ["no experience section found", "no positions found"],
        ),
    )

    # 4. Truncated Recruiter page: the snapshot stops inside the third position.
    page = recruiter_page(amelie, drawer=True, rows=SEARCH_ROWS, current_employer="Klarna")
    cut = page.index("Technology ")
    url = "https://www.linkedin.com/talent/profile/AEMAAAbCdEf123456"
    exp = expected(amelie, url, "recruiter", "recruiter.drawer")
    exp["profile"]["positions"] = exp["profile"]["positions"][:3]
    exp["profile"]["linkedin_url"] = None  # the contact block comes after the cut
    write("recruiter_truncated", page[:cut], exp)

    # 5. Regular profile, generation 2: grouped roles via nested entities, doubled text.
    lena = Person(
        display_name="Lena Hoffmann",
        full="Lena Hoffmann",
        first="Lena",
        last="Hoffmann",
        headline="Engineering Manager at N26 | ex-Zalando",
        location="Berlin, Germany",
        slug="lena-hoffmann-8a1b2c",
        jobs=[
            Job(
                "N26",
                [
                    Role("Engineering Manager", "2023-05", None, "Berlin, Germany · Hybrid"),
                    Role("Senior Backend Engineer", "2020-01", "2023-04", "Berlin, Germany"),
                ],
                location="Berlin, Germany",
            ),
            Job(
                "Zalando",
                [
                    Role(
                        "Backend Engineer",
                        "2016-09",
                        "2019-12",
                        "Berlin Area, Germany",
                        "Full-time",
                        "Checkout services.",
                    )
                ],
            ),
            Job("SAP", [Role("Working Student", "2014-04", "2016-08", "Walldorf", "Part-time")]),
        ],
    )
    url = "https://www.linkedin.com/in/lena-hoffmann-8a1b2c/"
    exp = expected(lena, url, "linkedin", "linkedin.gen2")
    exp["profile"]["positions"][0]["location"] = "Berlin, Germany"  # "· Hybrid" is not a place
    write("linkedin_gen2_profile", gen2_page(lena, url), exp)

    # 6. Gen 2 with a stale voyager island of the previously viewed profile (must be ignored).
    stale = {
        "data": {"*elements": ["urn:li:fsd_profile:ACoAAOther999"]},
        "included": [
            {
                "$type": "com.linkedin.voyager.dash.identity.profile.Profile",
                "entityUrn": "urn:li:fsd_profile:ACoAAOther999",
                "publicIdentifier": "other-person-42",
                "firstName": "Other",
                "lastName": "Person",
                "headline": "Head of Growth at Initech",
            },
            {
                "$type": "com.linkedin.voyager.dash.identity.profile.Position",
                "entityUrn": "urn:li:fsd_position:(ACoAAOther999,1)",
                "title": "Head of Growth",
                "companyName": "Initech",
                "dateRange": {"start": {"year": 2020, "month": 1}, "end": None},
            },
        ],
    }
    url = "https://www.linkedin.com/in/lena-hoffmann-8a1b2c/"
    exp = expected(
        lena,
        url,
        "linkedin",
        "linkedin.gen2",
        ["ignored embedded JSON of 1 other profile(s)"],
    )
    exp["profile"]["positions"][0]["location"] = "Berlin, Germany"
    write("linkedin_gen2_stale_json", gen2_page(lena, url, [stale]), exp)

    # 7. Gen 2 with this profile's own island: JSON gives the real first/last split.
    maria = Person(
        display_name="María José García López",
        full="María José García López",
        first="María José",
        last="García López",
        headline="Data Scientist at Glovo",
        location="Barcelona, Catalonia, Spain",
        slug="mariajose-garcia",
        jobs=[
            Job("Glovo", [Role("Data Scientist", "2022-03", None, "Barcelona", "Full-time")]),
            Job("BBVA", [Role("Data Analyst", "2019-07", "2022-02", "Madrid", "Full-time")]),
        ],
    )
    member = "ACoAAMjGl0pez"
    own = {
        "data": {"*elements": [f"urn:li:fsd_profile:{member}"]},
        "included": [
            {
                "$type": "com.linkedin.voyager.dash.common.Geo",
                "entityUrn": "urn:li:fsd_geo:105088894",
                "defaultLocalizedName": "Barcelona, Catalonia, Spain",
            },
            {
                "$type": "com.linkedin.voyager.dash.identity.profile.Position",
                "entityUrn": f"urn:li:fsd_position:({member},2)",
                "title": "Data Analyst",
                "companyName": "BBVA",
                "locationName": "Madrid",
                "dateRange": {
                    "start": {"year": 2019, "month": 7},
                    "end": {"year": 2022, "month": 2},
                },
            },
            {
                "$type": "com.linkedin.voyager.dash.identity.profile.Profile",
                "entityUrn": f"urn:li:fsd_profile:{member}",
                "publicIdentifier": "mariajose-garcia",
                "firstName": "María José",
                "lastName": "García López",
                "headline": "Data Scientist at Glovo",
                "geoLocation": {"*geo": "urn:li:fsd_geo:105088894"},
            },
            {
                "$type": "com.linkedin.voyager.dash.identity.profile.Position",
                "entityUrn": f"urn:li:fsd_position:({member},1)",
                "title": "Data Scientist",
                "companyName": "Glovo",
                "locationName": "Barcelona",
                "dateRange": {"start": {"year": 2022, "month": 3}, "end": None},
            },
        ],
    }
    url = "https://www.linkedin.com/in/mariajose-garcia/"
    write(
        "linkedin_gen2_embedded_json",
        gen2_page(maria, url, [stale, own]),
        expected(
            maria,
            url,
            "linkedin",
            "linkedin.gen2+json",
            ["ignored embedded JSON of 1 other profile(s)"],
        ),
    )

    # 8. SDUI (generation 3), French interface, grouped roles with "Temps plein · 6 ans 1 mois".
    chloe = Person(
        display_name="Chloé Martin (elle)",
        full="Chloé Martin",
        first="Chloé",
        last="Martin",
        headline="Directrice produit chez Doctolib",
        location="Paris, Île-de-France, France",
        slug="chloe-martin-pm",
        lang="fr",
        jobs=[
            Job(
                "Doctolib",
                [
                    Role(
                        "Directrice produit",
                        "2022-09",
                        None,
                        "Paris, Île-de-France, France",
                        "Temps plein",
                    ),
                    Role("Product Manager senior", "2019-01", "2022-08", "Paris"),
                ],
            ),
            Job(
                "BlaBlaCar",
                [
                    Role(
                        "Product Manager",
                        "2016-02",
                        "2018-12",
                        "Paris, France",
                        "CDI",
                        "Lancement de l’offre bus.",
                    )
                ],
            ),
            Job("Capgemini", [Role("Consultante", "2013-10", "2016-01", None, "Stage")]),
        ],
    )
    url = "https://www.linkedin.com/in/chloe-martin-pm/"
    write(
        "linkedin_sdui_french",
        sdui_page(chloe, url, details=False, logo="Logo de {}"),
        expected(chloe, url, "linkedin", "linkedin.sdui"),
    )

    # 9. SDUI details page, German interface, more than ten positions.
    companies = [
        ("Siemens", "Principal Engineer", "2022-04", None),
        ("Bosch", "Lead Engineer", "2020-01", "2022-03"),
        ("Continental", "Senior Engineer", "2018-06", "2019-12"),
        ("Infineon", "Engineer", "2016-03", "2018-05"),
        ("BMW Group", "Software Engineer", "2014-09", "2016-02"),
        ("Audi", "Junior Engineer", "2013-01", "2014-08"),
        ("Daimler", "Werkstudent Software", "2011-10", "2012-12"),
        ("Allianz", "Praktikant IT", "2011-03", "2011-09"),
        ("Deutsche Bahn", "Werkstudent", "2010-04", "2011-02"),
        ("Lufthansa", "Praktikant", "2009-07", "2010-03"),
        ("Telekom", "Aushilfe", "2008-01", "2009-06"),
        ("Fraunhofer IIS", "Studentische Hilfskraft", "2007", "2007"),
    ]
    jonas = Person(
        display_name="Jonas Müller-Lüdenscheidt",
        full="Jonas Müller-Lüdenscheidt",
        first="Jonas",
        last="Müller-Lüdenscheidt",
        headline="",
        location="",
        slug="jonas-mueller-luedenscheidt",
        lang="de",
        jobs=[
            Job(c, [Role(t, s, e, "München, Bayern, Deutschland" if i < 3 else None, "Vollzeit")])
            for i, (c, t, s, e) in enumerate(companies)
        ],
    )
    url = "https://www.linkedin.com/in/jonas-mueller-luedenscheidt/details/experience/"
    write(
        "linkedin_sdui_details_german",
        sdui_page(jonas, url, details=True, logo="{}-Logo"),
        expected(
            jonas,
            url,
            "linkedin",
            "linkedin.details.sdui",
            ["no name found"],
            full_name=None,
            first_name=None,
            last_name=None,
            headline=None,
            location=None,
        ),
    )

    # 9b. Gen 2 details page (/details/experience/), Portuguese interface, grouped roles.
    ana = Person(
        display_name="Ana Beatriz dos Santos",
        full=None,
        first=None,
        last=None,
        headline=None,
        location=None,
        slug="anabeatriz-santos",
        lang="pt",
        jobs=[
            Job(
                "Nubank",
                [
                    Role("Gerente de Engenharia", "2022-06", None, "São Paulo, Brasil"),
                    Role(
                        "Engenheira de Software Sênior", "2020-01", "2022-05", "São Paulo, Brasil"
                    ),
                ],
                location="São Paulo, Brasil",
            ),
            Job(
                "iFood",
                [
                    Role(
                        "Engenheira de Software", "2017-03", "2019-12", "Campinas", "Tempo integral"
                    )
                ],
            ),
            Job("Stone", [Role("Desenvolvedora", "2015-08", "2017-02", None, "Tempo integral")]),
            Job("Totvs", [Role("Estagiária", "2014-01", "2015-07", "Joinville", "Estágio")]),
        ],
    )
    url = "https://www.linkedin.com/in/anabeatriz-santos/details/experience/"
    write(
        "linkedin_gen2_details_portuguese",
        gen2_page(ana, url),
        expected(ana, url, "linkedin", "linkedin.details.gen2", ["no name found"]),
    )

    # 10. Sales Navigator lead: grouped roles, "Mar 2023–Present" without spaces, no public URL.
    rahul = Person(
        display_name="Rahul Mehta, CFA",
        full="Rahul Mehta, CFA",
        first="Rahul",
        last="Mehta",
        headline="Head of Partnerships at Revolut",
        location="London, England, United Kingdom",
        slug=None,
        jobs=[
            Job(
                "Revolut",
                [
                    Role("Head of Partnerships", "2023-03", None, "London, United Kingdom"),
                    Role("Partnerships Manager", "2021-05", "2023-02", "London, United Kingdom"),
                ],
            ),
            Job("Monzo", [Role("Business Development Manager", "2018-01", "2021-04", "London")]),
            Job("Barclays", [Role("Graduate Analyst", "2015", "2017", None, None, "Rotations.")]),
        ],
    )
    url = "https://www.linkedin.com/sales/lead/ACwAAAgkXyZ0123,NAME_SEARCH,PClu?_ntb=abc"
    write(
        "sales_navigator_lead",
        sales_page(rahul),
        expected(rahul, url, "sales_navigator", "sales_navigator.lead"),
    )

    # 11. Sales Navigator, older /sales/people/ route, Spanish interface ("ene. de 2020").
    lucia = Person(
        display_name="Lucía de la Vega",
        full="Lucía de la Vega",
        first="Lucía",
        last="de la Vega",
        headline="Directora de Ventas | Cabify",
        location="Madrid, Comunidad de Madrid, España",
        slug=None,
        lang="es",
        jobs=[
            Job("Cabify", [Role("Directora de Ventas", "2020-01", None, "Madrid, España")]),
            Job("Telefónica", [Role("Key Account Manager", "2014-09", "2019-12", "Madrid")]),
        ],
    )
    url = "https://www.linkedin.com/sales/people/ACwAAB1uc1aFdv,NAME_SEARCH,xYz1"
    write(
        "sales_navigator_people_spanish",
        sales_page(lucia),
        expected(lucia, url, "sales_navigator", "sales_navigator.lead"),
    )

    # 12. Recruiter drawer in Italian over the search list, year-only and "Presente".
    giulia = Person(
        display_name="Giulia Rossi",
        full="Giulia Rossi",
        first="Giulia",
        last="Rossi",
        headline="Talent Partner presso Bending Spoons",
        location="Milano, Lombardia, Italia",
        slug="giulia-rossi-tp",
        lang="it",
        jobs=[
            Job(
                "Bending Spoons",
                [Role("Talent Partner", "2021-11", None, "Milano", "A tempo pieno")],
            ),
            Job("Satispay", [Role("Recruiter", "2018", "2021", "Milano")]),
            Job("Randstad", [Role("Consulente HR", "2016-02", "2017-12", "Torino")]),
        ],
    )
    url = "https://www.linkedin.com/talent/hire/990/discover/automatedSourcing/review/profile/AEMAAAGiuRo55"
    write(
        "recruiter_drawer_italian",
        recruiter_page(giulia, drawer=True, rows=SEARCH_ROWS),
        expected(giulia, url, "recruiter", "recruiter.drawer"),
    )

    # 13. Recruiter drawer, Spanish interface: a title and letters shown with the name, two
    # family names, and a role with no date line at all (only a location).
    fernanda = Person(
        display_name="Dra. María Fernanda Ruiz Gómez, MBA",
        full="Dra. María Fernanda Ruiz Gómez, MBA",
        first="María Fernanda",
        last="Ruiz Gómez",
        headline="Directora de Producto en Glovo",
        location="Barcelona, Cataluña, España",
        slug="mfernanda-ruiz-gomez",
        lang="es",
        jobs=[
            Job("Glovo", [Role("Directora de Producto", "2022-04", None, "Barcelona, España")]),
            Job("Asociación Techfem", [Role("Mentora", None, None, "Madrid", undated=True)]),
            Job("Idealista", [Role("Product Manager", "2017-09", "2022-03", "Madrid, España")]),
        ],
    )
    url = "https://www.linkedin.com/talent/hire/990/discover/recruiterSearch/profile/AEMAAAFerRu77"
    write(
        "recruiter_spanish_two_family_names",
        recruiter_page(fernanda, drawer=True, rows=SEARCH_ROWS),
        expected(fernanda, url, "recruiter", "recruiter.drawer"),
    )

    # 14. Sales Navigator, Portuguese interface: a title, two given names, "dos" in the family
    # name.
    joao = Person(
        display_name="Prof. João Pedro Almeida dos Santos",
        full="Prof. João Pedro Almeida dos Santos",
        first="João Pedro",
        last="Almeida dos Santos",
        headline="Head de Dados | Itaú Unibanco",
        location="São Paulo, São Paulo, Brasil",
        slug=None,
        lang="pt",
        jobs=[
            Job("Itaú Unibanco", [Role("Head de Dados", "2021-02", None, "São Paulo, Brasil")]),
            Job("Ambev", [Role("Cientista de Dados", "2016-05", "2021-01", "São Paulo")]),
        ],
    )
    url = "https://www.linkedin.com/sales/lead/ACwAAC9joAoPd5,NAME_SEARCH,Qx2p"
    write(
        "sales_navigator_portuguese_particles",
        sales_page(joao),
        expected(joao, url, "sales_navigator", "sales_navigator.lead"),
    )

    # 15. Recruiter profile page, German interface: titles and letters around three words, of
    # which only the last is the family name (German names carry one), and an undated role.
    hans = Person(
        display_name="Prof. Dr. Hans Peter Brandt, PhD",
        full="Prof. Dr. Hans Peter Brandt, PhD",
        first="Hans Peter",
        last="Brandt",
        headline="Leiter Forschung bei Siemens Healthineers",
        location="Erlangen, Bayern, Deutschland",
        slug="hans-peter-brandt",
        lang="de",
        jobs=[
            Job(
                "Siemens Healthineers",
                [Role("Leiter Forschung", "2019-10", None, "Erlangen, Deutschland", "Vollzeit")],
            ),
            Job("Universität Würzburg", [Role("Gastdozent", None, None, "Würzburg", undated=True)]),
            Job("Fraunhofer IIS", [Role("Gruppenleiter", "2012-01", "2019-09", "Erlangen")]),
        ],
    )
    url = "https://www.linkedin.com/talent/profile/AEMAAAHaPeBr42"
    write(
        "recruiter_german_titles_and_letters",
        recruiter_page(hans, drawer=False),
        expected(hans, url, "recruiter", "recruiter.page"),
    )


if __name__ == "__main__":
    build()
    print(f"wrote fixtures to {OUT}")
