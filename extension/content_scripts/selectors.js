'use strict';
/*
 * Every piece of LinkedIn markup and URL knowledge the content scripts rely on, in one place.
 * One registry per product (keys match LookupResult `profile.source`); each list is ordered from
 * the most to the least stable hook. Parsing is the backend's job (DESIGN decision 1): the content
 * script only needs to know which page it is on and when the profile has rendered.
 * Sources: shared/reference/linkedin-pages.md §1-§4.
 */
(() => {
  const sb = (globalThis.sourcebridge ??= {});

  sb.selectors = Object.freeze({
    /** Profile URL shapes, checked in this order (Recruiter pages link to /in/ URLs). */
    urlPatterns: Object.freeze([
      // /talent/profile/{id}, /talent/hire/{project}/manage/all/profile/{id}, .../recruiterSearch/profile/{id}
      { product: 'recruiter', pattern: /^\/talent\/(?:[^?#]*\/)?profile\/([^/?#]+)/ },
      // /sales/lead/{profileId},{authType},{authToken}; older /sales/people/{profileId},...
      { product: 'sales_navigator', pattern: /^\/sales\/(?:lead|people)\/([^,/?#]+)/ },
      // /in/{slug}/ and its sub-routes (/details/experience/, /overlay/contact-info/)
      { product: 'linkedin', pattern: /^\/in\/([^/?#]+)/ }
    ]),

    /** Hosts the content script accepts (country hosts serve public /in/ pages). */
    hostPattern: /^(?:[a-z]{2,3}\.|www\.)?linkedin\.com$/,

    recruiter: Object.freeze({
      // The drawer first: the search/project list stays mounted behind it with the same row hooks.
      container: [
        '.profile-slidein__wrapper [data-test-profile-container]',
        '[data-test-profile-container]',
        '[data-live-test-profile-container]',
        '#profile-container'
      ],
      name: [
        '[data-test-row-lockup-full-name]',
        '[data-live-test-row-lockup-full-name]',
        '.artdeco-entity-lockup__title',
        'h1'
      ],
      // Where the rest of the profile renders: the container itself (the list behind the drawer
      // keeps loading and is not the profile).
      region: [],
      // The experience card: with the name, the sign that the profile's body has rendered. Not the
      // background card around it: that one also holds education, whose dates are no positions.
      sections: ['[data-test-experience-card]', '.experience-card', '[data-test-expandable-stepper]']
    }),

    linkedin: Object.freeze({
      container: [
        '[data-view-name="profile-top-card"]',
        'section[componentkey*="Topcard"]',
        'main .pv-top-card',
        'main'
      ],
      // Generation 3 (SDUI) puts the name in h1 or h2; generation 2 in h1.text-heading-xlarge.
      name: ['h1.text-heading-xlarge', 'h1', 'h2'],
      // The container is the top card; experience renders beside it in main.
      region: ['main'],
      sections: [
        '[data-testid*="ExperienceDetailsSection"]',
        '[componentkey*="ExperienceDetailsSection"]',
        '[data-view-name="profile-card-experience"]',
        '[componentkey*="ExperienceTopLevelSection"]',
        // Generation 2: #experience is an empty anchor at the top of the card.
        'section:has(> #experience)'
      ]
    }),

    sales_navigator: Object.freeze({
      container: [
        '[data-sn-view-name="feature-lead-top-card"]',
        '#profile-card-section',
        'main'
      ],
      // A bare h1 can be the a11y-only "Sales Navigator Lead Page": only hooks that mark a person.
      name: ['h1[data-x--lead--name]', '[data-anonymize="person-name"]'],
      region: ['main', '#content-main'],
      sections: [
        '[data-sn-view-name="feature-lead-experience"]',
        '[data-x--lead--experience-section]',
        '.profile-experience'
      ]
    }),

    /** Removed from the snapshot (DESIGN decision 1). <code> JSON islands are kept on purpose. */
    snapshotStrip: 'script, style, link, img, picture, svg, video, audio, canvas, iframe, noscript',

    /** LinkedIn's embedded JSON islands (<code id="bpr-guid-…">), kept when the snapshot is reduced. */
    jsonIslands: 'code'
  });
})();
