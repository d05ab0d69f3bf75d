# ruff: noqa: E501 - the pages are inline HTML
"""The traps the reference lists, each on a small page written differently from the fixtures."""

from __future__ import annotations

from backend.linkedin_parse import parse_profile

VANILLA = "https://www.linkedin.com/in/jane-doe/"
RECRUITER = "https://www.linkedin.com/talent/hire/7/manage/all/profile/AEMAAAJaneDoe1"
SALES = "https://www.linkedin.com/sales/lead/ACwAAJaneDoe1,NAME_SEARCH,q1"


def twice(text: str) -> str:
    return f'<span aria-hidden="true">{text}</span><span class="visually-hidden">{text}</span>'


def positions(profile):
    return [(p.title, p.company, p.start, p.end, p.current, p.location) for p in profile.positions]


def test_gen2_reads_the_visible_copy_once_and_tells_groups_from_single_roles():
    single = f"""<li class="pvs-list__paged-list-item"><div data-view-name="profile-component-entity">
      <div class="t-bold">{twice("Data Engineer")}</div>
      <span class="t-14 t-normal">{twice("Acme · Contract")}</span>
      <span class="t-14 t-normal t-black--light">{twice("Jun 2018 - Mar 2021 · 2 yrs 10 mos")}</span>
      <span class="t-14 t-normal t-black--light">{twice("Lyon, France")}</span>
      <div class="pvs-entity__sub-components"><ul><li>{twice("Built the warehouse.")}</li></ul></div>
    </div></li>"""
    nested = "".join(
        f"""<li><div data-view-name="profile-component-entity"><div class="t-bold">{twice(t)}</div>
        <span class="t-14 t-normal t-black--light">{twice(d)}</span></div></li>"""
        for t, d in (("Lead", "Apr 2021 - Present · 3 yrs"), ("Engineer", "Jan 2019 - Mar 2021"))
    )
    group = f"""<li class="pvs-list__paged-list-item"><div data-view-name="profile-component-entity">
      <div class="t-bold">{twice("Globex")}</div>
      <span class="t-14 t-normal">{twice("Full-time · 5 yrs 4 mos")}</span>
      <span class="t-14 t-normal t-black--light">{twice("Paris, Île-de-France, France")}</span>
      <div class="pvs-entity__sub-components"><ul>{nested}</ul></div></div></li>"""
    page = f"""<main><section class="artdeco-card"><h1 class="text-heading-xlarge">Jane Doe</h1>
      <div class="text-body-medium break-words">Lead at Globex</div></section>
      <section class="artdeco-card"><div id="experience"></div><h2>{twice("Experience")}</h2>
      <ul>{group}{single}</ul></section></main>"""
    profile = parse_profile(page, VANILLA)
    assert positions(profile) == [
        ("Lead", "Globex", "2021-04", None, True, "Paris, Île-de-France, France"),
        ("Engineer", "Globex", "2019-01", "2021-03", False, "Paris, Île-de-France, France"),
        ("Data Engineer", "Acme", "2018-06", "2021-03", False, "Lyon, France"),
    ]
    assert (profile.company, profile.title) == ("Globex", "Lead")


def test_sdui_group_header_paragraph_is_the_company_and_skills_lines_are_ignored():
    page = """<main><section componentkey="com.linkedin.sdui.profile.card.ref1Topcard">
      <h1>Jane Doe</h1><p>Directrice technique</p><p>Qonto · HEC Paris</p><p>Nantes, Pays de la Loire, France</p>
      <p>500+ relations</p></section>
      <section componentkey="com.linkedin.sdui.profile.card.ref1ExperienceTopLevelSection"><h2>Expérience</h2>
      <div><a href="https://www.linkedin.com/company/qonto/"><figure aria-label="Logo de Qonto"></figure><p>Qonto</p></a>
        <p>CDI · 6 ans 1 mois</p>
        <ul><li><p>Directrice technique</p><p>mars 2022 - aujourd’hui · 2 ans 9 mois</p><p>Télétravail</p></li>
            <li><p>Ingénieure</p><p>nov. 2018 - févr. 2022 · 3 ans 4 mois</p></li></ul></div>
      <hr role="presentation">
      <div><a href="https://www.linkedin.com/company/1/"><figure aria-label="Logo de Free"></figure></a>
        <p>Stagiaire</p><p>Free · Stage</p><p>2017 - 2018</p>
        <a href="/in/jane-doe/skill-associations-details/"><p>Linux, C et 2 autres compétences</p></a></div>
      </section></main>"""
    profile = parse_profile(page, VANILLA)
    assert positions(profile) == [
        ("Directrice technique", "Qonto", "2022-03", None, True, "Télétravail"),
        ("Ingénieure", "Qonto", "2018-11", "2022-02", False, None),
        ("Stagiaire", "Free", "2017", "2018", False, None),
    ]
    assert profile.headline == "Directrice technique"
    assert profile.location == "Nantes, Pays de la Loire, France"


def test_sales_group_header_names_the_company_of_roles_without_one():
    page = """<main><section data-sn-view-name="feature-lead-top-card">
      <h1 data-x--lead--name data-anonymize="person-name">Jane Doe</h1></section>
      <section data-sn-view-name="feature-lead-experience"><h2>Experience</h2><ul>
      <li><h2>Wayne Enterprises</h2><span>4 yrs 2 mos</span><ul>
        <li><h3 data-anonymize="job-title">CFO</h3><span>Jan 2023–Present</span><span>1 yr</span></li>
        <li><h3 data-anonymize="job-title">Controller</h3><span>Oct 2020–Dec 2022</span></li></ul></li>
      <li><h3 data-anonymize="job-title">Auditor</h3><span data-anonymize="company-name">KPMG</span>
        <span>Sep 2015–Sep 2020</span><span data-anonymize="location">Gotham</span></li>
      </ul></section></main>"""
    profile = parse_profile(page, SALES)
    assert positions(profile) == [
        ("CFO", "Wayne Enterprises", "2023-01", None, True, None),
        ("Controller", "Wayne Enterprises", "2020-10", "2022-12", False, None),
        ("Auditor", "KPMG", "2015-09", "2020-09", False, "Gotham"),
    ]


def test_an_ongoing_role_listed_after_an_ended_one_is_the_current_company():
    rows = "".join(
        f"<li data-test-position-list-container><span data-test-position-entity-title>{t}</span>"
        f"<dd data-test-position-entity-company-name>{c} · Part-time</dd>"
        f"<span data-test-position-entity-date-range>{d}</span></li>"
        for t, c, d in (
            ("Advisor", "Old Co", "Jan 2024 – Jun 2024"),
            ("Founder", "New Co", "Mar 2023 – Present"),
        )
    )
    page = (
        "<div data-test-profile-container><div data-test-topcard-condensed-lockup>"
        "<span data-test-row-lockup-full-name>Jane Doe</span></div>"
        f"<section data-test-experience-card><ul>{rows}</ul></section></div>"
    )
    profile = parse_profile(page, RECRUITER)
    assert [p.company for p in profile.positions] == ["Old Co", "New Co"]
    assert (profile.company, profile.title) == ("New Co", "Founder")


def test_recruiter_without_a_profile_container_never_reads_the_search_list():
    page = """<main><ol data-test-paginated-list><li data-test-paginated-list-item>
      <span data-test-row-lockup-full-name><a href="/talent/profile/AEMAAAOther">Other Person</a></span>
      <dd data-test-description-description>CEO at Initech <time>2019</time> – Present</dd></li></ol></main>"""
    profile = parse_profile(page, RECRUITER)
    assert profile.full_name is None
    assert profile.positions == ()
    assert profile.layout == "recruiter.fallback"


def test_page_without_any_hooks_is_read_from_its_headings_and_date_lines():
    page = """<body><div><h1>Jane Doe</h1></div><div><h2>Experience</h2>
      <div><div>Head of Data</div><div>Initrode · Full-time</div><div>May 2020 - Present</div>
      <div>Berlin, Germany</div></div>
      <div><div>Analyst</div><div>Umbrella</div><div>2016 - 2020</div></div></div>
      <div><h2>Education</h2><div><div>TU Berlin</div><div>2012 - 2016</div></div></div></body>"""
    profile = parse_profile(page, VANILLA)
    assert positions(profile) == [
        ("Head of Data", "Initrode", "2020-05", None, True, "Berlin, Germany"),
        ("Analyst", "Umbrella", "2016", "2020", False, None),
    ]
    assert "linkedin.fallback" == profile.layout


def test_gen2_with_obfuscated_classes_keeps_a_lone_freelance_company_and_remote_place():
    """As saved from a 2024 page: hashed classes beside the stable t-14 / caption hooks."""
    page = f"""<main class="scaffold-layout__main"><section class="artdeco-card XMHjkjscADQGStwq" data-member-id="9">
      <h1 class="text-heading-xlarge inline t-24 v-align-middle break-words">Jane Doe</h1>
      <div class="text-body-medium break-words" data-generated-suggestion-target="urn:li:x">IT Specialist</div>
      <ul><li><button aria-label="Education: Some University. Click to skip to education card">Some University</button></li></ul>
      <span class="text-body-small inline t-black--light break-words">Kenitra, Rabat-Salé-Kénitra, Morocco</span></section>
      <section class="artdeco-card pv-profile-card" data-view-name="profile-card"><div id="experience" class="pv-profile-card__anchor"></div>
      <h2 class="pvs-header__title">{twice("Experience")}</h2>
      <ul class="ZcrViFFYURhpbDPy"><li class="artdeco-list__item DBNLtNgmHEjz">
        <div class="FFYtoLcCjARyISqO" data-view-name="profile-component-entity">
        <a data-field="experience_company_logo" href="https://www.linkedin.com/search/results/all/?keywords=Freelance"></a>
        <div class="display-flex align-items-center mr1 t-bold">{twice("Website Developer")}</div>
        <span class="t-14 t-normal">{twice("Freelance")}</span>
        <span class="t-14 t-normal t-black--light"><span class="pvs-entity__caption-wrapper" aria-hidden="true">Jan 2020 - Present · 4 yrs 10 mos</span>
          <span class="visually-hidden">Jan 2020 to Present · 4 yrs 10 mos</span></span>
        <span class="t-14 t-normal t-black--light">{twice("Remote")}</span>
        <div class="lHucFpNrgPyF pvs-entity__sub-components"><ul><li>
          <div class="inline-show-more-text--is-collapsed">{twice("I craft websites")}</div></li>
          <li><a data-field="position_contextual_skills_see_details" href="https://www.linkedin.com/in/jane-doe/overlay/urn:li:fsd_profilePosition:(ACoAAD,24)/skill-associations-details?profileUrn=x">
          {twice("Customer Support")}</a></li></ul></div></div></li></ul></section></main>"""
    profile = parse_profile(page, VANILLA)
    assert positions(profile) == [
        ("Website Developer", "Freelance", "2020-01", None, True, "Remote")
    ]
    assert (profile.headline, profile.location) == (
        "IT Specialist",
        "Kenitra, Rabat-Salé-Kénitra, Morocco",
    )


def test_section_found_by_its_heading_stops_at_the_next_sections_heading():
    page = """<main><div><h1>Jane Doe</h1></div><div><h2>About</h2><div>Since 2010 - 2012 in Rome</div></div>
      <div><div><h2>Ervaring</h2></div><div><div>Docent</div><div>Hogeschool Utrecht</div><div>sep. 2019 - heden</div><h3>Skills</h3><div>Python</div></div>
        <div><div>Tutor</div><div>Universiteit Utrecht</div><div>2017 - 2019</div></div></div>
      <div><div><h2>Opleiding</h2></div><div><div>Universiteit Leiden</div><div>Master</div><div>2014 - 2016</div></div></div></main>"""
    profile = parse_profile(page, VANILLA)
    assert positions(profile) == [
        ("Docent", "Hogeschool Utrecht", "2019-09", None, True, None),
        ("Tutor", "Universiteit Utrecht", "2017", "2019", False, None),
    ]


def test_top_card_location_without_a_comma_is_found_by_its_place_in_the_card():
    sdui = """<main><section componentkey="com.linkedin.sdui.profile.card.ref1Topcard"><h2>Jane Doe</h2>
      <p>She/Her</p><p>Designer</p><p>Qonto · HEC</p><p>Berlin</p>
      <p><a href="/in/jane-doe/overlay/contact-info/">Contact info</a></p>
      <a href="/mynetwork/"><p>500+ connections</p></a></section></main>"""
    profile = parse_profile(sdui, VANILLA)
    assert (profile.headline, profile.location) == ("Designer", "Berlin")

    sales = """<main><section data-sn-view-name="feature-lead-top-card"><h1 data-x--lead--name>Jane Doe</h1>
      <span>· 2nd</span><p data-x--lead-profile-card--headline>CFO at Wayne</p><div>Gotham</div>
      <div>8:42 PM local time</div></section></main>"""
    profile = parse_profile(sales, SALES)
    assert (profile.headline, profile.location) == ("CFO at Wayne", "Gotham")


def test_gen2_role_without_any_date_line_is_kept_and_a_group_header_is_no_role():
    nested = "".join(
        f"""<li><div data-view-name="profile-component-entity"><div class="t-bold">{twice(t)}</div>
        <span class="t-14 t-normal t-black--light">{twice(d)}</span></div></li>"""
        for t, d in (("Lead", "Apr 2021 - Present · 3 yrs"), ("Engineer", "Jan 2019 - Mar 2021"))
    )
    group = f"""<li class="pvs-list__paged-list-item"><div data-view-name="profile-component-entity">
      <div class="t-bold">{twice("Globex")}</div>
      <span class="t-14 t-normal">{twice("Full-time · 5 yrs 4 mos")}</span>
      <div class="pvs-entity__sub-components"><ul>{nested}</ul></div></div></li>"""
    undated = f"""<li class="pvs-list__paged-list-item"><div data-view-name="profile-component-entity">
      <div class="t-bold">{twice("Mentor")}</div>
      <span class="t-14 t-normal">{twice("Code Club · Volunteer")}</span>
      <span class="t-14 t-normal t-black--light">{twice("Lyon, France")}</span></div></li>"""
    single = f"""<li class="pvs-list__paged-list-item"><div data-view-name="profile-component-entity">
      <div class="t-bold">{twice("Data Engineer")}</div>
      <span class="t-14 t-normal">{twice("Acme")}</span>
      <span class="t-14 t-normal t-black--light">{twice("Jun 2018 - Mar 2019")}</span></div></li>"""
    page = f"""<main><section class="artdeco-card"><h1 class="text-heading-xlarge">Jane Doe</h1>
      </section><section class="artdeco-card"><div id="experience"></div><h2>{twice("Experience")}</h2>
      <ul>{group}{undated}{single}</ul></section></main>"""
    assert positions(parse_profile(page, VANILLA)) == [
        ("Lead", "Globex", "2021-04", None, True, None),
        ("Engineer", "Globex", "2019-01", "2021-03", False, None),
        ("Mentor", "Code Club", None, None, False, "Lyon, France"),
        ("Data Engineer", "Acme", "2018-06", "2019-03", False, None),
    ]
