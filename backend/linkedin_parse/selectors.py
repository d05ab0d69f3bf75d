"""Every selector the parser uses: one registry per product, each field a chain ordered from
most to least stable (test attributes, ``data-view-name`` / ``componentkey``, semantic HTML,
``artdeco-*`` classes). Hashed CSS-module classes are never used. Facts and sources:
reference/linkedin-pages.md.

When a chain finds nothing the parser falls back to text structure (date-range lines, headings),
so a missing selector costs precision, not the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Registry:
    markers: tuple[str, ...]  # any of these confirms the product's profile layout
    root: tuple[str, ...]  # the profile itself (scopes out lists and drawers behind it)
    noise: tuple[str, ...]  # lists and rails that reuse the profile's hooks
    top_card: tuple[str, ...]
    name: tuple[str, ...]
    headline: tuple[str, ...]
    location: tuple[str, ...]
    current_company: tuple[str, ...]
    public_url: tuple[str, ...]  # elements whose href (or text) is the public /in/ URL
    experience: tuple[str, ...]
    title: tuple[str, ...]  # inside one position
    company: tuple[str, ...]
    group_company: tuple[str, ...]  # on the header of several roles at one company
    position_location: tuple[str, ...]
    description: tuple[str, ...]  # free text inside a position: never a title or location
    # Attributes of lists never read as the profile, cut from the raw HTML (``trim``).
    raw_cut: tuple[str, ...] = ()

    @cached_property
    def raw_guards(self) -> tuple[str, ...]:
        """Strings a cut must not remove: JSON islands and the attribute or id of every
        profile marker."""
        names = re.findall(r"[\[#]([\w-]+)", " ".join(self.markers + self.root))
        return ("<code", *dict.fromkeys(names))


RECRUITER = Registry(
    markers=(
        "[data-test-profile-container]",
        "[data-live-test-profile-container]",
        "[data-test-topcard-condensed-lockup]",
        "[data-test-profile-top-card]",
        ".profile__topcard-wrapper",
        "#profile-container",
    ),
    root=(
        ".profile-slidein__wrapper [data-test-profile-container]",
        ".profile-slidein__wrapper [data-live-test-profile-container]",
        "[data-test-profile-container]",
        "[data-live-test-profile-container]",
        "#profile-container",
    ),
    noise=(
        "[data-test-paginated-list]",
        "[data-test-paginated-list-item]",
        "article.profile-list-item",
        "[data-test-similar-profiles]",
    ),
    top_card=(
        "[data-test-topcard-condensed-lockup]",
        "[data-test-profile-top-card]",
        ".profile__topcard-wrapper",
        ".topcard-condensed__content-left",
    ),
    name=("[data-test-row-lockup-full-name]", ".artdeco-entity-lockup__title"),
    headline=("[data-test-row-lockup-headline]", ".artdeco-entity-lockup__subtitle"),
    location=("[data-test-row-lockup-location]", ".artdeco-entity-lockup__caption"),
    current_company=("[data-test-topcard-condensed-lockup-current-employer]",),
    public_url=(
        "a[data-test-personal-info-profile-link]",
        "[data-test-personal-info-profile-link-text]",
        "a[data-test-public-profile-link]",
        "a.topcard-condensed__public-profile-hovercard",
        "[data-test-personal-info-subsection] a[href*='linkedin.com/in/']",
    ),
    experience=(
        "[data-test-profile-background-card] .experience-card",
        "[data-test-experience-card]",
        ".experience-card",
        "[data-test-profile-background-card]",
        "[data-test-expandable-stepper]",
    ),
    title=(
        "[data-test-position-entity-title]",
        "[data-test-grouped-position-entity-title]",
        ".position-item__position-title-link",
        ".background-entity__summary-definition--title",
    ),
    company=(
        "[data-test-position-entity-company-link]",
        "[data-test-position-entity-company-without-link]",
        "[data-test-position-entity-company-name]",
        ".position-item__company-link",
        ".background-entity__summary-definition--subtitle",
    ),
    group_company=(
        "[data-test-grouped-position-entity-company-name]",
        "[data-test-grouped-position-entity-company-link]",
        ".grouped-position-entity__company-name",
    ),
    position_location=(
        "[data-test-position-entity-location]",
        "[data-test-grouped-position-entity-location]",
        ".background-entity__summary-definition--location",
    ),
    description=(
        "[data-test-position-entity-description]",
        "[data-test-grouped-position-entity-description]",
        ".background-entity__summary-definition--description",
        "[data-test-position-skill-item]",
        ".position-skills-entity",
        # Education shares the background card on some pages; its dates are no positions.
        "[data-test-education-item]",
        ".education-item",
    ),
    raw_cut=("data-test-paginated-list",),  # the search results behind the drawer
)

LINKEDIN = Registry(
    markers=(
        "[data-view-name='profile-top-card']",
        "[componentkey*='Topcard']",
        "[data-view-name^='profile-card']",
        "[componentkey*='ExperienceTopLevelSection']",
        "[componentkey*='ExperienceDetailsSection']",
        "[data-testid*='ExperienceDetailsSection']",
        "[data-view-name='profile-component-entity']",
        ".pv-top-card",
        "#experience",
    ),
    root=("main",),
    noise=("aside", "[data-view-name='profile-browsemap']", ".scaffold-layout__aside"),
    top_card=(
        "[data-view-name='profile-top-card']",
        "section[componentkey*='Topcard']",
        "section[componentkey*='topcard']",
        "section.pv-top-card",
        ".pv-top-card",
        "section.artdeco-card",
    ),
    name=("h1.text-heading-xlarge", "a[href*='/overlay/about-this-profile/'] h1", "h1", "h2"),
    headline=(".text-body-medium.break-words", "[data-generated-suggestion-target]"),
    location=(
        ".text-body-small.inline.t-black--light.break-words",
        ".pv-text-details__left-panel .text-body-small",
    ),
    current_company=("button[aria-label^='Current company:']",),
    public_url=(),
    experience=(
        "[data-testid*='ExperienceDetailsSection']",
        "[componentkey*='ExperienceDetailsSection']",
        "[data-view-name='profile-card-experience']",
        "section[componentkey*='ExperienceTopLevelSection']",
        "[componentkey*='ExperienceTopLevelSection']",
    ),
    title=(".t-bold span[aria-hidden='true']", ".hoverable-link-text.t-bold", ".t-bold"),
    company=("span.t-14.t-normal:not(.t-black--light) span[aria-hidden='true']",),
    group_company=(),
    position_location=(),
    description=(
        "[data-testid='expandable-text-box']",
        ".inline-show-more-text",
        ".pv-shared-text-with-see-more",
        "a[href*='skill-associations-details']",
        "[data-field='position_contextual_skills_see_details']",
    ),
)

SALES_NAVIGATOR = Registry(
    markers=(
        "[data-sn-view-name^='feature-lead']",
        "[data-x--lead--name]",
        "#profile-card-section",
        "[data-x--lead--experience-section]",
    ),
    root=("main", "#content-main"),
    noise=("[data-sn-view-name='lead-similar-leads']", "aside"),
    top_card=(
        "[data-sn-view-name='feature-lead-top-card']",
        "#profile-card-section",
        "section[data-x--lead--top-card]",
    ),
    name=("h1[data-x--lead--name]", "[data-x--lead--name]", "[data-anonymize='person-name']"),
    headline=("[data-x--lead-profile-card--headline]", "[data-anonymize='headline']"),
    location=("[data-anonymize='location']",),
    current_company=(),
    public_url=("a[href^='https://www.linkedin.com/in/']",),
    experience=(
        "[data-sn-view-name='feature-lead-experience']",
        "[data-x--lead--experience-section]",
        ".profile-experience",
    ),
    title=("[data-anonymize='job-title']",),
    company=("[data-anonymize='company-name']",),
    group_company=("[data-anonymize='company-name']", "h2"),
    position_location=("[data-anonymize='location']",),
    description=("[data-anonymize='person-blurb']",),
)

REGISTRIES = {
    "recruiter": RECRUITER,
    "linkedin": LINKEDIN,
    "sales_navigator": SALES_NAVIGATOR,
}

# Shared, product-independent hooks.
EXPERIENCE_ANCHOR = "#experience"  # vanilla gen 2: the anchor sits inside its section card
HEADINGS = "h1, h2, h3, [role='heading']"  # section headings, for the text fallback
CONTACT_INFO_PATH = "/overlay/contact-info/"  # the top card's contact link follows the location
PUBLIC_PROFILE_LINK = "a[href*='linkedin.com/in/']"  # inside a top card only
RECRUITER_DRAWER = ".profile-slidein__wrapper"
SDUI_MARKERS = (  # vanilla generation 3 (server-driven UI)
    "[data-view-name='profile-top-card']",
    "[componentkey*='com.linkedin.sdui.profile']",
    "[componentkey^='entity-collection-item-']",
)
JSON_ISLANDS = "code"  # LinkedIn's embedded JSON (bpr-guid islands and older <code> blocks)
