"""Every tunable default in one place, each with its unit and the reason for its value.

Modules import names from here instead of writing bare numbers for timeouts, TTLs, sizes or limits.
"""

from datetime import timedelta

# --- HTTP API -------------------------------------------------------------------------------
MAX_REQUEST_BYTES = 4 * 1024 * 1024
"""Bytes. Largest request body the API accepts (a trimmed LinkedIn snapshot is well under 1 MB)."""

MAX_SNAPSHOT_BYTES = 3 * 1024 * 1024
"""Bytes. Largest profile HTML (after gunzip) the LinkedIn parser is given."""

API_THREADS = 8
"""Threads per gunicorn worker (lookups wait on DNS and Greenhouse, not on the CPU)."""

DB_POOL_SIZE = API_THREADS + 2
"""Database connections a process keeps open: one per API thread and two for the rest. A
connection opened for one request and closed after it costs that request the connection's set-up
(on SQLite the pragmas and the schema read, on PostgreSQL a login), every time."""

API_REQUEST_TIMEOUT = timedelta(seconds=60)
"""gunicorn kills a request that runs longer than this."""

# --- Slow clients (issue 10; backend/gunicorn_worker.py and deploy/nginx/sourcebridge.conf) ----
HTTP_HEADER_TIMEOUT = timedelta(seconds=10)
"""A request's headers must all arrive within this long (nginx: client_header_timeout)."""

HTTP_BODY_IDLE_TIMEOUT = timedelta(seconds=10)
"""A request body may pause this long between two reads (nginx: client_body_timeout)."""

HTTP_BODY_TIMEOUT = timedelta(seconds=60)
"""A request body must be whole this long after its headers (4 MB at ~0.5 Mbit/s)."""

HTTP_SEND_TIMEOUT = timedelta(seconds=10)
"""A response the client stops reading is abandoned after this long (nginx: send_timeout)."""

HTTP_MAX_HEADER_BYTES = 32 * 1024
"""Bytes. Request line + headers; more is a 431 (the extension sends well under 2 KB)."""

API_MAX_CONNECTIONS = 1000
"""Open connections per gunicorn worker (idle and buffering ones included); a slow client
costs a buffer here, not a thread."""

TOKEN_LAST_USED_RESOLUTION = timedelta(minutes=5)
"""A token's `last_used_at` is rewritten at most this often (a write per request costs)."""

LOOKUP_TIME_BUDGET = timedelta(seconds=3)
"""A lookup starts no new DNS guess or live Greenhouse question after this long; one already
asked finishes within its own timeout (DNS 3 s, Greenhouse interactive 4 s)."""

API_RATE_LIMIT = "300/minute"
"""Requests per API token (fixed window, shared in Redis when configured); a 429 with
Retry-After beyond it. Benchmarks raise it (API_RATE_LIMIT)."""

MAX_JSON_DEPTH = 64
"""Levels of nesting a JSON body may have (a profile or a sequence needs under 10; Python's
parser fails near 1,000)."""

MAX_DATABASE_ID = 2**63 - 1
"""Largest id a path may carry (a BIGINT); a larger one is a 404 before any query."""

TOKEN_CACHE_TTL = timedelta(seconds=5)
"""How long a worker reuses a token -> user answer without a query: a revoked token, or a
user's changed role, takes effect within this long."""

TOKEN_CACHE_MAX_ENTRIES = 10_000
"""Tokens remembered per worker at most (the cache is emptied when full)."""

API_TOKEN_BYTES = 32
"""Bytes of randomness in a new API token (shown once, stored as a SHA-256 hash)."""

# --- Files ---------------------------------------------------------------------------------
PROCESS_UMASK = 0o077
"""File mode mask of every `sourcebridge` process: what it creates (SQLite files, the queue's
database, the generated key) is readable by its own user only."""

INSTANCE_DIR_MODE = 0o700
INSTANCE_FILE_MODE = 0o600
"""Modes the instance folder and the files in it are set to when a server process starts."""

# --- Database --------------------------------------------------------------------------------
SQLITE_BUSY_TIMEOUT_MS = 15_000
"""Milliseconds SQLite waits on a lock before failing (gunicorn workers share one file)."""

# --- Cache -----------------------------------------------------------------------------------
CACHE_DEFAULT_TTL = timedelta(hours=1)
"""Default time to live of a cache entry."""

CACHE_KEY_PREFIX = "sb:"
"""Prefix of every key Sourcebridge writes into a shared Redis."""

# --- Queue -----------------------------------------------------------------------------------
QUEUE_NAME = "sourcebridge"
"""Name of the Huey queue (the Redis key prefix in scaled-out mode)."""

QUEUE_WORKERS = 2
"""Threads of the queue consumer that `serve` runs in the embedded default."""

TASK_RETRIES = 5
"""Times a failed queued task is retried before it is recorded as failed."""

TASK_RETRY_DELAY = timedelta(seconds=30)
"""Delay before a failed queued task is retried."""

# --- Greenhouse ------------------------------------------------------------------------------
GREENHOUSE_API_URL = "https://harvest.greenhouse.io"
GREENHOUSE_AUTH_URL = "https://auth.greenhouse.io"
GREENHOUSE_APP_URL = "https://app.greenhouse.io"

GREENHOUSE_PAGE_SIZE = 500
"""Rows per list page: the v3 maximum (a larger value is a 422)."""

GREENHOUSE_IDS_BATCH = 50
"""Largest number of ids in one `ids=` / `*_ids=` filter (v3 maximum)."""

GREENHOUSE_TIMEOUT = timedelta(seconds=20)
"""Read timeout of one Greenhouse request."""

GREENHOUSE_CONNECT_TIMEOUT = timedelta(seconds=5)
"""Connect timeout of one Greenhouse request."""

GREENHOUSE_MAX_RETRIES = 4
"""Retries of one Greenhouse request after a retryable failure."""

GREENHOUSE_INTERACTIVE_RETRIES = 1
"""Retries of a Greenhouse request a recruiter is waiting on (the lookup's live duplicate check)."""

GREENHOUSE_INTERACTIVE_TIMEOUT = timedelta(seconds=4)
"""Read timeout of a Greenhouse request a recruiter is waiting on."""

GREENHOUSE_INTERACTIVE_SHARE = 0.2
"""Share of the per-window budget that background calls leave free while recruiters are looking
people up (an interactive call was seen within the last window)."""

GREENHOUSE_INTERACTIVE_MAX_WAIT = timedelta(seconds=2)
"""Longest an interactive call waits for a request slot before the page is told "unavailable"."""

GREENHOUSE_BACKOFF_INITIAL = timedelta(seconds=0.5)
GREENHOUSE_BACKOFF_MAX = timedelta(seconds=8)
"""Exponential backoff bounds between retries (jittered into [d/2, d])."""

GREENHOUSE_RETRY_AFTER_MAX = timedelta(seconds=300)
"""Longest `Retry-After` honoured; a larger value is capped (as Airbyte's connector does)."""

GREENHOUSE_TOKEN_REFRESH_EARLY = timedelta(seconds=60)
"""Refresh an access token this long before it expires."""

GREENHOUSE_TOKEN_DEFAULT_TTL = timedelta(seconds=3600)
"""Token lifetime assumed when the token response states none."""

GREENHOUSE_RATE_LIMIT = 50
GREENHOUSE_RATE_WINDOW = timedelta(seconds=30)
"""Requests per window assumed until `X-RateLimit-Limit` says otherwise (v3: fixed 30 s window)."""

# --- Candidate index and duplicate check ---------------------------------------------------------
INDEX_REFRESH_EVERY = timedelta(minutes=5)
"""How often the incremental refresh of each connected account's candidate index runs."""

INDEX_REFRESH_OVERLAP = timedelta(minutes=2)
"""Each `updated_at` window starts this far before the last one ended (clock skew, late writes)."""

INDEX_STALE_AFTER = timedelta(minutes=30)
"""An index not refreshed for this long is not trusted to say "no duplicates" on its own."""

INDEX_BACKFILL_STALLED = timedelta(hours=2)
"""A backfill still "running" after this long is taken as dead and queued again."""

LIVE_CHECK_TTL = timedelta(minutes=10)
"""How long a live `GET /v3/candidates?email=` answer is reused by the duplicate check."""

LIVE_CHECK_MAX_EMAILS = 3
"""At most this many of a person's candidate addresses are asked about live per lookup."""

EMAIL_KNOWN_ADDRESSES_MAX = 500
"""Known (name, address) pairs read per domain or company to learn its email pattern."""

# --- Email lookup ----------------------------------------------------------------------------
EMAIL_RESULT_TTL = timedelta(days=7)
"""How long a person's email lookup result is reused."""

DNS_TIMEOUT = timedelta(seconds=3)
"""Total time for one DNS question (a timeout means "unknown", never "invalid")."""

SMTP_TIMEOUT = timedelta(seconds=10)
"""Timeout of one SMTP command during mailbox verification."""

# --- Greenhouse client: throttle, tokens, write confirmation (issue 3) ------------------------
GREENHOUSE_RATE_HEADROOM = 1
"""Requests per window kept unused below `X-RateLimit-Limit`: the client paces with a moving
window while Greenhouse counts a fixed one, and uneven latency can shift one request across."""

GREENHOUSE_RETRY_AFTER_JITTER = timedelta(seconds=0.25)
"""Upper bound of the random delay added to a `Retry-After` wait (spreads workers out)."""

GREENHOUSE_TOKEN_MINT_LOCK = timedelta(seconds=15)
"""How long one worker holds the shared "minting a token" flag (single-flight across processes)."""

GREENHOUSE_TOKEN_MINT_WAIT = timedelta(seconds=5)
"""How long a worker waits for another worker's token before minting one itself."""

GREENHOUSE_CONFIRM_SKEW = timedelta(minutes=2)
"""When confirming an ambiguous write by reading back, a record created up to this long before
the write started still counts as ours (allows for clock skew between us and Greenhouse)."""

# --- Greenhouse sandbox server (issue 3) -----------------------------------------------------
SANDBOX_PORT = 8765
"""TCP port `sourcebridge sandbox` listens on by default (`--port 0` picks a free one)."""

SANDBOX_CLIENT_ID = "sandbox-client-id"
SANDBOX_CLIENT_SECRET = "sandbox-client-secret"
"""Credentials the sandbox accepts unless told otherwise (demo values, not secrets)."""

SANDBOX_SEED = 20260831
"""Seed of the demo organisation: the same seed gives the same people, ids and dates."""

SANDBOX_CANDIDATES = 3000
"""Candidates in the seeded demo organisation."""

SANDBOX_RATE_LIMIT = 50
SANDBOX_RATE_WINDOW = timedelta(seconds=30)
"""Requests per fixed window the sandbox allows per credential (v3 uses a 30 s window)."""

SANDBOX_TOKEN_TTL = timedelta(hours=1)
"""Lifetime of a sandbox access token (Greenhouse's is about an hour)."""

# --- Email lookup: finder and verifier (backend/email_lookup) ----------------------------------
EMAIL_PATTERN_KAPPA = 2.0
"""Dirichlet strength (pseudo-addresses) of the global pattern prior at a domain. Small on
purpose: the reference's leave-one-out measurement found kappa 1-2 best (domain evidence should
take over at once; kappa 10 lost 3 points of top-1, kappa 50 lost 11)."""

EMAIL_POLICY_KAPPA = 1.0
"""Dirichlet strength (pseudo-addresses) of the default name-spelling policy (transliteration,
particles, hyphens) at a domain: one known address with an umlaut is enough to pick a side."""

EMAIL_RANK_LIMIT = 10
"""Candidates kept after ranking (the SMTP verifier and the alternatives draw from these)."""

EMAIL_ALTERNATIVES = 4
"""Alternatives returned next to the best address."""

EMAIL_PROBABLE_SHARE = 0.6
"""Share of the chosen pattern at a domain (with >= 2 known addresses) that makes an unverified
address `probable` rather than `possible` (reference §5.6)."""

EMAIL_COMPANY_DOMAIN_TTL = timedelta(days=7)
"""How long a company name -> mail domain answer (learned or guessed) is reused."""

EMAIL_MAX_DOMAIN_GUESSES = 6
"""Domains guessed from a company name and checked by DNS, at most (each is one DNS question)."""

DNS_MIN_TTL = timedelta(minutes=5)
DNS_MAX_TTL = timedelta(hours=24)
"""Bounds of the DNS TTL used to cache an MX / A answer (reference §5.7)."""

DNS_NEGATIVE_TTL = timedelta(hours=1)
"""How long NXDOMAIN, null MX and "no mail host" answers are cached."""

SMTP_CONNECT_TIMEOUT = timedelta(seconds=10)
"""TCP connect + greeting timeout per MX host (AfterShip uses 10 s) before failing over."""

SMTP_SESSION_BUDGET = timedelta(seconds=90)
"""Wall-clock cap on all SMTP work for one lookup (RFC 5321 allows 5 min per reply; we don't wait
that long for one person)."""

SMTP_MAX_RCPTS_PER_SESSION = 5
"""RCPT commands per SMTP session, the catch-all probe included (anti-harvest limits)."""

SMTP_MAX_CANDIDATES = 8
"""Candidate addresses tested by SMTP for one person, at most."""

SMTP_MAX_SESSIONS = 4
"""SMTP sessions opened for one lookup, at most (452 recycling and dropped connections)."""

SMTP_MIN_SESSION_INTERVAL = timedelta(seconds=2)
"""Least time between two new sessions to the same mail server (reference §5.8: 2-5 s)."""

SMTP_MX_LOCK_WAIT = timedelta(seconds=30)
"""How long a lookup waits for another lookup's session to the same mail server to end."""

SMTP_GREYLIST_RETRY = (
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
"""Retry schedule after a temporary failure (greylisting): postgrey delays 300 s by default, so
an immediate retry never helps; give up after the last step."""

SMTP_BLOCK_COOLDOWN = timedelta(hours=6)
SMTP_BLOCK_COOLDOWN_MAX = timedelta(hours=24)
"""Circuit breaker after a block reply: no connection to that mail server for this long, doubled
on each repeated block up to the maximum."""

SMTP_CATCH_ALL_TTL = timedelta(days=7)
"""How long a domain's catch-all answer (and its random probe local part) is kept; results flip
over time (Reacher #1243), so it is re-probed weekly."""

EMAIL_VERIFIED_TTL = timedelta(days=30)
"""How long a lookup whose address was verified by SMTP is reused."""

EMAIL_INVALID_TTL = timedelta(days=14)
"""How long a lookup that found no deliverable address is reused."""

# --- LinkedIn parser (backend/linkedin_parse) -----------------------------------------------------
LINKEDIN_MAX_POSITIONS = 200
"""Positions read from one page or accepted from a client at most (LinkedIn shows ~100; more
means a runaway match on hostile HTML)."""

LINKEDIN_MAX_TEXT_CHARS = 500
"""Characters. Longest string accepted in a client-sent profile field (headlines cap at 220)."""

LINKEDIN_MAX_ISLAND_CHARS = 2 * 1024 * 1024
"""Characters. Largest embedded ``<code>`` JSON island parsed (voyager islands are ~10-300 kB)."""

LINKEDIN_MAX_JSON_ENTITIES = 20_000
"""Objects visited per JSON island at most (bounds hostile JSON; a profile has a few hundred)."""

# The page shapes the parser accepts, checked before the HTML tree is built (prescan.py): Lexbor
# builds a tree in time that grows with elements x nesting depth, so ~100k nested <div> cost tens
# of seconds. These bounds keep the tree build of any accepted page to a fraction of a second and
# its whole parse (the pre-scan and the walk are Python loops over every tag) to about a second.
LINKEDIN_MAX_DEPTH = 256
"""Levels of element nesting. Real profile pages stay under ~60 (the deepest fixture: 21); at this
depth even a page of LINKEDIN_MAX_ELEMENTS elements all at the bottom builds in well under a
second."""

LINKEDIN_MAX_ELEMENTS = 50_000
"""Start tags per page, counted after the Recruiter search list is cut (``trim``). A real profile
page holds a few thousand; a 2 MB Recruiter page with its list ~30k. Every accepted element is
scanned and walked in Python, so this bounds the worst accepted page to about a second of CPU."""

LINKEDIN_SMALL_PAGE_TAGS = 2_000
"""Pages with at most this many ``<`` are not pre-scanned: whatever their shape, building their
tree costs a few tens of milliseconds at most (2,000 levels deep, the worst case: ~50 ms). Their
depth is checked while they are read instead, against the same LINKEDIN_MAX_DEPTH."""


# --- Greenhouse sync engine (backend/sync, issue 14) ------------------------------------------
SYNC_CATALOG_TTL = timedelta(seconds=60)
"""How long Greenhouse's jobs, stages, pools, custom fields and tags are cached (pickers, target
names, checks before a write): fresh enough for a recruiter who just opened a job."""

SYNC_BACKOFF_INITIAL = timedelta(seconds=30)
SYNC_BACKOFF_MAX = timedelta(hours=1)
"""Retry delay of a failed outbox row after a retryable error: doubles per attempt up to the max
(the client already retried each request a few times within seconds)."""

SYNC_MAX_ATTEMPTS = 8
"""Attempts of one outbox row before it is failed for good (~2 h of backoff in all)."""

SYNC_LEASE = timedelta(minutes=5)
"""How long a consumer owns the rows it claimed; a consumer killed mid-task loses them after this
and another one takes over (reading back before writing again)."""

SYNC_BATCH_CONTACTS = 50
"""Contacts whose due rows one run of the outbox task performs (then it queues itself again)."""

SYNC_EVENTS_BATCH = 500
"""Events read into outbox rows per transaction."""
# --- Greenhouse imports (backend/imports) ---------------------------------------------------------
IMPORT_WATERMARK_OVERLAP = timedelta(minutes=5)
"""A recurring run reads applications updated since this long before the last run started, so
one written on the boundary (or under clock skew between us and Greenhouse) is not missed."""

IMPORT_LEASE = timedelta(minutes=10)
"""How long a run holds its import; renewed every page. A crashed run's lease lapses after this
and the next run resumes from the saved page."""

IMPORT_SKIPPED_NAMES_SHOWN = 200
"""At most this many people without an email are listed by name on an import."""

IMPORT_SWEEP_EVERY = timedelta(minutes=1)
"""How often the scheduler looks for recurring imports that are due (a safety net: each run
also queues the next one at its exact time, so sub-minute intervals work)."""

IMPORT_PREVIEW_MAX_PEOPLE = 1000
"""A preview reads at most this many people (two pages, ~22 requests) and says if there are more."""

IMPORT_PREVIEW_SAMPLE = 20
"""People listed by name in a preview."""
# --- Web app (backend/web) and sign-in ----------------------------------------------------------
LOGIN_FAILURES_PER_EMAIL = 10
"""Failed sign-ins allowed per email address in `LOGIN_FAILURE_WINDOW` before refusing (429)."""

LOGIN_FAILURES_PER_ADDRESS = 30
"""Failed sign-ins allowed per client IP address in `LOGIN_FAILURE_WINDOW` (many emails, one
attacker)."""

LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
"""The moving window the sign-in failure limits count over."""

PASSWORD_MIN_LENGTH = 10
"""Characters. Shortest password accepted (NIST SP 800-63B asks for at least 8)."""

PASSWORD_MAX_LENGTH = 256
"""Characters. Longest password accepted (bounds the hashing work a request can ask for)."""

ARGON2_TEST_PROFILE = {"time_cost": 1, "memory_cost": 8192, "parallelism": 1}
"""Argon2id parameters used when TESTING (memory in KiB): production keeps argon2-cffi's RFC 9106
defaults (~0.4 s per verify on 2 cores), which would dominate a UI test suite."""

INVITE_TTL = timedelta(days=7)
"""How long an invite link (or the first-run setup link) can be used."""

INVITE_TOKEN_BYTES = 32
"""Bytes of randomness in an invite / setup link token (stored as a SHA-256 hash)."""

CONNECT_CODE_TTL = timedelta(seconds=120)
"""How long the extension's one-time sign-in code can be exchanged for a token."""

CONNECT_CODE_BYTES = 32
"""Bytes of randomness in the extension's one-time sign-in code."""

PKCE_VERIFIER_MIN_LENGTH = 43
PKCE_VERIFIER_MAX_LENGTH = 128
"""Characters. RFC 7636 §4.1 bounds of a PKCE code verifier."""

CONNECT_EXCHANGES_PER_MINUTE = 30
"""Code exchanges answered per client IP address per minute (codes are unguessable; this bounds
the work a flood can cause)."""

SESSION_LIFETIME = timedelta(days=14)
"""How long a web sign-in lasts without activity."""

WEB_PAGE_SIZE = 50
"""Rows per page in the web app's lists."""


# --- Sequences (backend/sequences, issue 12) ---------------------------------------------------
SEQUENCE_DEFAULT_SCHEDULE = {
    "timezone": None,
    "days": ["mon", "tue", "wed", "thu", "fri"],
    "windows": [["09:00", "17:00"]],
    "holidays": None,
}
"""A sequence's send schedule when none is given (DESIGN.md): weekdays 09:00-17:00 in the
recipient's zone (else the mailbox's, else the team's)."""

SEQUENCE_SCHEDULE_HORIZON_DAYS = 400
"""Days searched for an open window before a schedule is called closed (a year of holidays and
one open weekday still finds one)."""

SEQUENCE_OPENING_SPREAD = timedelta(minutes=20)
"""Sends that fall due at a window's opening are spread over this much of its start (reference
§5.4: 0-20 min, against top-of-the-hour bursts)."""

SEQUENCE_TICK_SECONDS = 30
"""Seconds between dispatcher ticks (claims due sends and tasks); `SEQUENCE_TICK_SECONDS`."""

SEQUENCE_CLAIM_BATCH = 50
"""Sends claimed per dispatcher tick and consumer, at most."""

SEQUENCE_LEASE = timedelta(minutes=5)
"""How long a claimed send belongs to the consumer that claimed it (one SMTP submission fits)."""

SEQUENCE_RECONCILE_GRACE = timedelta(minutes=15)
"""An ambiguous send not found in the Sent folder after this long is sent again, same Message-ID
(reference §5.6: the Sent copy can lag)."""

SEQUENCE_RETRY_DELAY = timedelta(minutes=10)
"""Delay before a send that failed before the message was accepted is tried again."""

SEQUENCE_MAX_ATTEMPTS = 5
"""Attempts of one send (retry outcomes) before the enrollment finishes as failed."""

SEQUENCE_SOFT_BOUNCE_DELAY = timedelta(hours=4)
"""Delay before an email that soft-bounced is sent again."""

SEQUENCE_SOFT_BOUNCES_AS_HARD = 3
"""Soft bounces of one address that count as a hard bounce (reference §5.3)."""

SEQUENCE_OOO_PAUSE = timedelta(days=7)
"""Pause after an out-of-office reply that gives no return date (Interseller: one week)."""

SEQUENCE_OOO_MAX_PAUSE = timedelta(days=60)
"""A return date further away than this is capped (a typo year must not park someone forever)."""

MAILBOX_CAP_WINDOW = timedelta(hours=24)
"""The rolling window a mailbox's daily cap counts over (Google counts a rolling 24 h)."""

MAILBOX_GAP_JITTER = 0.5
"""Fraction of the minimum gap added at most as jitter between two sends (reference §5.4)."""

PAGE_LIMIT_DEFAULT = 50
PAGE_LIMIT_MAX = 500
"""Rows per page of a list endpoint: default and maximum (DESIGN.md)."""

CSV_IMPORT_MAX_ROWS = 5000
"""Rows accepted in one CSV contact upload."""

TEMPLATE_MAX_CHARS = 20_000
"""Characters. Longest subject or body template a step accepts."""

TEMPLATE_MAX_OUTPUT_CHARS = 100_000
"""Characters. A rendered email longer than this is refused (loops in a sandbox still cost)."""


# --- Process settings' defaults (config.Settings reads the environment over these) -------------

PUBLIC_URL = "http://127.0.0.1:5000"
"""Where people and mail reach the backend; `PUBLIC_URL`."""
IMPORT_INTERVAL_SECONDS = 3600
"""Seconds between runs of a recurring Greenhouse import; `IMPORT_INTERVAL_SECONDS`."""
# --- Mailboxes (backend/mailboxes, issue 13) ----------------------------------------------
MAILBOX_POLL_SECONDS = 60
"""Seconds between two reads of each mailbox (replies, bounces, out-of-office, Sent copies)."""

MAILBOX_DAILY_CAP = 200
"""Sequence emails per mailbox per rolling 24 h (Greenhouse's and Interseller's default)."""

MAILBOX_MIN_GAP_SECONDS = 100
"""Seconds between two sequence emails from one mailbox at least (Greenhouse's default)."""

MAIL_SMTP_TIMEOUT = timedelta(seconds=30)
"""Timeout of one SMTP submission command (the end of DATA included)."""

MAIL_IMAP_TIMEOUT = timedelta(seconds=30)
"""Timeout of one IMAP command."""

MAIL_SEND_RETRY_DELAY = timedelta(minutes=10)
"""Wait before a send that failed before the message was accepted is tried again."""

MAIL_QUOTA_PAUSE = timedelta(hours=24)
"""A provider's quota or policy refusal pauses the mailbox this long (Google and Microsoft count
sending limits over a rolling 24 h, so the window has freed by then)."""

MAIL_MAX_MESSAGE_BYTES = 1024 * 1024
"""Bytes of one inbound message read for classification (a partial IMAP fetch): headers, the
reply text and a bounce report sit at the start; attachments beyond this are never read."""

MAIL_MAX_MIME_PARTS = 200
"""MIME parts in one inbound message at most (real mail has a handful; more is a parser bomb, and
the message is stored as unreadable)."""

MAIL_REPLY_SCAN_CHARS = 100_000
"""Characters of a message's text searched for the end of the reply (its own words come first)."""

MAIL_REPLY_TEXT_MAX_CHARS = 10_000
"""Characters of a reply's trimmed text kept (it goes to the activity feed and Greenhouse)."""

MAIL_POLL_BATCH = 200
"""Messages fetched per IMAP FETCH while catching up on a folder."""

MAIL_POLL_MAX_MESSAGES = 2000
"""Messages read per folder in one poll at most; the next poll continues from the cursor."""

MAIL_RESYNC_LOOKBACK = timedelta(days=3)
"""When a folder's UIDVALIDITY changes, messages this recent are read again (deduplicated by
Message-ID) instead of trusting old UIDs."""

OOO_RETURN_MAX_AHEAD = timedelta(days=180)
"""A date further ahead than this in an out-of-office reply is not taken as the return date."""

OAUTH_REFRESH_EARLY = timedelta(minutes=5)
"""A mailbox's OAuth access token is refreshed this long before it expires."""

OAUTH_TIMEOUT = timedelta(seconds=15)
"""Timeout of one request to an OAuth token endpoint."""

GOOGLE_OAUTH_AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth"
GOOGLE_OAUTH_TOKEN_URL = "https://oauth2.googleapis.com/token"
GOOGLE_OAUTH_SCOPES = ("https://mail.google.com/",)
MICROSOFT_OAUTH_URL = "https://login.microsoftonline.com"
MICROSOFT_OAUTH_TENANT = "organizations"
MICROSOFT_OAUTH_SCOPES = (
    "https://outlook.office.com/IMAP.AccessAsUser.All",
    "https://outlook.office.com/SMTP.Send",
    "offline_access",
)
"""OAuth endpoints and scopes for XOAUTH2 on IMAP and SMTP (reference/sequences.md §3.6)."""

DKIM_SELECTORS = ("google", "selector1", "selector2", "default", "k1", "s1", "s2", "dkim", "mail")
"""DKIM selectors tried by a mailbox "Test" (Google, Microsoft 365, common hosts)."""
