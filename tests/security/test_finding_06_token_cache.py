"""Finding 6: rejections were not remembered. 100 requests with the same bad token made 100 Spotify
calls, and a token revoked at Spotify kept working for up to 300 s, even after Spotify had rejected
it in the same container. Now a rejection is cached (by the token's hash) and evicts the token's
identity at once, and an accepted token is trusted for 60 s at most. Spotify is the local fake,
counting calls; time is a clock the test moves, never a sleep."""

from __future__ import annotations

import pytest

from soulmate_api.identity import MAX_ACCEPTED_SECONDS, REJECTED_SECONDS, Identity, TokenCache
from soulmate_core.settings import Settings
from soulmate_core.store import Store
from tests.cfn_template import load_template
from tests.fakes.spotify_server import FakeSpotify
from tests.security.harness import Api, Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def tokens(clock: Clock) -> TokenCache:
    return TokenCache(clock=clock)


@pytest.fixture
def api(spotify: FakeSpotify, store: Store, tokens: TokenCache) -> Api:
    settings = Settings(spotify_api_base=spotify.api_base, spotify_timeout=5.0)
    return Api(settings, store, tokens)


def spotify_calls(spotify: FakeSpotify) -> int:
    """Calls that reached the fake, counted as they arrive (before it answers them)."""
    return len([path for path in spotify.arrivals if path.startswith("/v1/")])


@pytest.mark.parametrize(
    ("method", "path", "calls"),
    [("GET", "/me", 1), ("POST", "/taste-profile", 7), ("GET", "/top-artists", 1)],
)
def test_the_same_bad_token_100_times_reaches_spotify_once(
    api: Api, spotify: FakeSpotify, method: str, path: str, calls: int
) -> None:
    """A profile asks Spotify seven things at once, so its first request may make up to seven calls;
    the other 99 make none."""
    for _ in range(100):
        status, _, body = api(method, path, token="garbage-token")
        assert (status, body["error"]) == (401, "spotify_token_rejected")
    assert 1 <= spotify_calls(spotify) <= calls


def test_a_rejection_is_remembered_only_briefly(api: Api, spotify: FakeSpotify, clock: Clock) -> None:
    assert api("GET", "/me", token="garbage-token")[0] == 401
    clock.now += REJECTED_SECONDS - 1
    assert api("GET", "/me", token="garbage-token")[0] == 401
    assert spotify_calls(spotify) == 1
    clock.now += 1
    assert api("GET", "/me", token="garbage-token")[0] == 401
    assert spotify_calls(spotify) == 2


def test_a_token_spotify_revokes_stops_working_on_the_next_request(
    api: Api, spotify: FakeSpotify, store: Store
) -> None:
    assert api("POST", "/taste-profile", token="tok-ana")[0] == 200
    before = spotify_calls(spotify)
    assert api("GET", "/taste-profile/acc-ana", token="tok-ana")[0] == 200  # from the cache
    assert spotify_calls(spotify) == before

    spotify.expire("tok-ana")  # revoked at Spotify
    status, _, body = api("GET", "/top-artists", token="tok-ana")  # any call Spotify answers 401
    assert (status, body["error"]) == (401, "spotify_token_rejected")

    calls = spotify_calls(spotify)
    assert api("DELETE", "/taste-profile/acc-ana", token="tok-ana")[0] == 401
    assert api("GET", "/matches/acc-ana", token="tok-ana")[0] == 401
    assert spotify_calls(spotify) == calls, "refused from the cache, without asking Spotify again"
    assert store.get("acc-ana") is not None


def test_an_accepted_token_is_trusted_for_60_seconds_at_most(
    api: Api, spotify: FakeSpotify, clock: Clock
) -> None:
    assert MAX_ACCEPTED_SECONDS <= 60
    assert api("GET", "/me", token="tok-ana")[0] == 200
    clock.now += MAX_ACCEPTED_SECONDS - 0.5
    assert api("GET", "/me", token="tok-ana")[0] == 200
    assert spotify_calls(spotify) == 1
    spotify.expire("tok-ana")
    clock.now += 0.5  # the 60 s are up: Spotify is asked again, and says no
    status, _, body = api("GET", "/me", token="tok-ana")
    assert (status, body["error"]) == (401, "spotify_token_rejected")
    assert spotify_calls(spotify) == 2


def test_a_longer_cache_cannot_be_configured() -> None:
    clock = Clock()
    cache = TokenCache(ttl=3600, clock=clock)
    cache.put("tok", Identity("u", "U"))
    clock.now += 60
    assert cache.get("tok") is None


def test_the_cache_holds_hashes_never_tokens(api: Api, tokens: TokenCache) -> None:
    sent = {"tok-ana": 200, "garbage-token-that-is-long": 401}
    for token, status in sent.items():
        assert api("GET", "/me", token=token)[0] == status
    state = repr(tokens.__dict__)
    assert all(token not in state for token in sent)
    assert all(TokenCache.key(token) in state for token in sent)


@pytest.mark.parametrize(
    "header",
    ["Bearer tok ana", "Bearer tok\tana", "Bearer tok\r\n ana", "Bearer tök", "Bearer ", "Basic dXNlcg=="],
)
def test_a_token_that_cannot_be_one_is_refused_without_a_call(
    api: Api, spotify: FakeSpotify, header: str
) -> None:
    status, _, body = api("GET", "/me", headers={"authorization": header})
    assert (status, body["error"]) == (401, "not_authenticated")
    assert spotify_calls(spotify) == 0


def test_a_per_client_rate_limit_can_sit_beside_the_global_throttle() -> None:
    """WAF does not attach to HTTP APIs: the optional limit is a WAF rate-based rule (per client IP)
    on a CloudFront distribution in front of the API. cfn-lint checks the whole template
    (tests/test_deployment.py); this checks what the parameter switches on."""
    template = load_template()
    assert template["Parameters"]["PerClientRateLimit"]["Default"] == 0
    on = "PerClientLimitOn"
    assert template["Conditions"][on] == {"Not": [{"Equals": [{"Ref": "PerClientRateLimit"}, "0"]}]}
    resources = template["Resources"]
    assert resources["HttpApi"]["Properties"]["DefaultRouteSettings"]["ThrottlingRateLimit"] == {
        "Ref": "ThrottlingRateLimit"
    }
    acl = resources["PerClientWebAcl"]
    assert (acl["Type"], acl["Condition"], acl["Properties"]["Scope"]) == (
        "AWS::WAFv2::WebACL",
        on,
        "CLOUDFRONT",
    )
    (rule,) = acl["Properties"]["Rules"]
    rate = rule["Statement"]["RateBasedStatement"]
    assert (rate["AggregateKeyType"], rate["Limit"]) == ("IP", {"Ref": "PerClientRateLimit"})
    assert rule["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 429
    distribution = resources["ApiDistribution"]
    config = distribution["Properties"]["DistributionConfig"]
    assert distribution["Condition"] == on and config["WebACLId"] == {"GetAtt": "PerClientWebAcl.Arn"}
    (origin,) = config["Origins"]
    assert origin["DomainName"]["Sub"].startswith("${HttpApi}.execute-api.")
    assert "DELETE" in config["DefaultCacheBehavior"]["AllowedMethods"]
    (assertion,) = template["Rules"]["PerClientLimitNeedsUsEast1"]["Assertions"]
    assert assertion["Assert"] == {"Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}
    assert template["Outputs"]["ApiUrl"]["Value"]["If"][0] == on
