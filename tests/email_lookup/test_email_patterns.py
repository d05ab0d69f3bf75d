"""Pattern vocabulary, inference from known addresses, the learned distribution and ranking."""

from __future__ import annotations

import random
import statistics
import time

import pytest

from backend.email_lookup import GLOBAL_PRIOR
from backend.email_lookup import KnownAddress
from backend.email_lookup import infer_pattern
from backend.email_lookup import learn_domain
from backend.email_lookup import pattern_distribution
from backend.email_lookup.names import name_variants
from backend.email_lookup.patterns import PATTERNS_BY_NAME
from backend.email_lookup.patterns import render
from backend.email_lookup.ranking import rank_candidates

FIRSTS = (
    "anna bruno carla dmitri elena farid greta hiro ines jonas kofi lena mateo nora omar".split()
)
LASTS = "alvarez becker costa dubois eriksen fischer garcia hansen ivanova jensen kowalski".split()


@pytest.mark.parametrize(
    ("first", "last", "address", "pattern"),
    [
        ("Jane", "Doe", "jane.doe@x.test", "first.last"),
        ("Jane", "Doe", "jdoe@x.test", "flast"),
        ("Jane", "Doe", "doe.jane@x.test", "last.first"),
        ("Jane", "Doe", "JANE_DOE@x.test", "first_last"),
        ("Jane", "Doe", "jane.doe2@x.test", "first.last"),  # collision suffix
        ("Christopher", "Montgomery", "cmontgom@x.test", "flast8"),
        ("Jan", "van der Berg", "jan.vanderberg@x.test", "first.last"),
        ("Jan", "van der Berg", "jan.van.der.berg@x.test", "first.last"),
        ("Jan", "van der Berg", "jberg@x.test", "flast"),
        ("Jürgen", "Müller", "juergen.mueller@x.test", "first.last"),
        ("Jürgen", "Müller", "jmuller@x.test", "flast"),
        ("María", "García-López", "mgarcia@x.test", "flast"),
        ("Robert", "Smith", "bob.smith@x.test", "first.last"),
        ("Mary Ann", "Smith", "masmith@x.test", "fmlast"),
    ],
)
def test_infer_pattern_explains_real_world_spellings(first, last, address, pattern):
    assert pattern in infer_pattern(first, last, address)


def test_opaque_address_is_explained_by_nothing():
    assert infer_pattern("Jane", "Doe", "xk42@x.test") == []


def test_truncated_pattern_only_when_truncation_happened():
    (v, *_) = name_variants("Jane", "Doe")
    assert render(PATTERNS_BY_NAME["flast8"], v) is None


def test_prior_is_the_cold_start_and_sums_to_one():
    dist = pattern_distribution([])
    assert dist == pytest.approx(GLOBAL_PRIOR)
    assert sum(dist.values()) == pytest.approx(1.0)
    assert max(dist, key=dist.get) == "first.last"


def test_one_known_address_takes_over_the_prior():
    dist = pattern_distribution([KnownAddress("Ann", "Lee", "alee@x.test")])
    assert max(dist, key=dist.get) == "flast"
    assert dist["flast"] > 0.5


def test_ambiguous_address_splits_its_weight():
    # "Jo Jo" -> "jo" is both {first} and {last}: each pattern gets half of the address.
    counts_dist = pattern_distribution([KnownAddress("Jo", "Jo", "jo@x.test")], kappa=0.0)
    assert counts_dist["first"] == pytest.approx(0.5) and counts_dist["last"] == pytest.approx(0.5)


def _synthetic_domain(mixture: dict[str, float], n: int, rng: random.Random) -> list[KnownAddress]:
    out = []
    names = list(mixture)
    weights = list(mixture.values())
    for i in range(n):
        first, last = rng.choice(FIRSTS), rng.choice(LASTS) + ("x" * (i % 3))
        (variant, *_) = name_variants(first, last)
        pattern = rng.choices(names, weights)[0]
        local = render(PATTERNS_BY_NAME[pattern], variant) if pattern != "opaque" else f"u{i:04d}"
        out.append(KnownAddress(first, last, f"{local}@acme.test"))
    return out


def test_learner_recovers_a_configured_mixture():
    rng = random.Random(7)
    known = _synthetic_domain({"first.last": 0.7, "flast": 0.2, "opaque": 0.1}, 200, rng)
    dist = pattern_distribution(known)
    assert dist["first.last"] == pytest.approx(0.78, abs=0.07)  # 0.7 of the explained 0.9
    assert dist["flast"] == pytest.approx(0.22, abs=0.07)
    assert sum(dist.values()) == pytest.approx(1.0)


def test_domain_transliteration_policy_is_learned():
    known = [KnownAddress("Jörg", "Schäfer", "jorg.schafer@acme.test")]
    model = learn_domain(known)
    top = rank_candidates(name_variants("Jürgen", "Müller"), "acme.test", model)[0]
    assert top.address == "jurgen.muller@acme.test"
    cold = rank_candidates(name_variants("Jürgen", "Müller"), "acme.test")[0]
    assert cold.address == "juergen.mueller@acme.test"


def test_domain_particle_policy_is_learned():
    known = [KnownAddress("Piet", "de Vries", "piet.vries@acme.test")]
    top = rank_candidates(name_variants("Jan", "van der Berg"), "acme.test", learn_domain(known))[0]
    assert top.address == "jan.berg@acme.test"


def test_role_addresses_are_excluded_from_learning_and_flagged_in_ranking():
    model = learn_domain([KnownAddress("Info", "Desk", "info@acme.test")])
    assert model.known == 0
    ranked = rank_candidates(name_variants("Support", "Team"), "acme.test")
    assert any(c.role and c.address == "support@acme.test" for c in ranked)


def test_scores_are_probabilities_in_rank_order():
    ranked = rank_candidates(name_variants("Jane", "Doe"), "acme.test")
    scores = [c.score for c in ranked]
    assert scores == sorted(scores, reverse=True)
    assert 0 < sum(scores) <= 1.0 + 1e-9


def test_ranking_a_person_with_warm_caches_takes_under_2_ms_median():
    rng = random.Random(3)
    model = learn_domain(_synthetic_domain({"first.last": 0.6, "flast": 0.4}, 50, rng))
    timings = []
    for i in range(200):
        first, last = FIRSTS[i % len(FIRSTS)], "van der " + LASTS[i % len(LASTS)]
        start = time.perf_counter()
        rank_candidates(name_variants(first.title(), last), "acme.test", model)
        timings.append(time.perf_counter() - start)
    assert statistics.median(timings) < 0.002
