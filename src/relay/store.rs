//! The relay's storage: SQLite (the default, embedded) or PostgreSQL (several relay
//! processes sharing one database), through sqlx's `Any` driver with runtime-checked
//! queries, so nothing needs a database to compile. Migrations are versioned and embedded
//! (`src/relay/migrations/{sqlite,postgres}/`), applied by sqlx's migrator at start-up
//! (with PostgreSQL's advisory lock, so two processes starting together do not race).
//!
//! Secrets (EMR API keys, agent credentials, enrolment codes) are stored as SHA-256
//! hashes only. Every query that reads or changes clinic data names the clinic, so one
//! clinic's credential cannot reach another clinic's rows.

use sha2::{Digest, Sha256};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, Row};
use std::borrow::Cow;
use std::time::Duration;

/// Which database the relay uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// SQLite (`sqlite://path/relay.db`).
    Sqlite,
    /// PostgreSQL (`postgres://…`).
    Postgres,
}

/// A storage failure (the database's own message; no clinic data is in it).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database URL is neither `sqlite:` nor `postgres:`/`postgresql:`.
    #[error("unsupported database URL (use sqlite://FILE or postgres://…)")]
    UnsupportedUrl,
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Why an agent credential was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthFailure {
    /// Unknown credential.
    Unknown,
    /// Revoked by an administrator.
    Revoked,
    /// Past its expiry.
    Expired,
}

/// An authenticated agent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentAuth {
    /// The agent.
    pub agent_id: String,
    /// Its clinic.
    pub clinic_id: String,
    /// When its credential expires (Unix ms).
    pub expires_ms: i64,
}

/// A new credential (enrolment or rotation). The caller hands it to the agent once.
#[derive(Clone, Debug)]
pub struct IssuedCredential {
    /// The agent.
    pub agent_id: String,
    /// Its clinic.
    pub clinic_id: String,
    /// The secret (only its hash is stored).
    pub credential: zeroize::Zeroizing<String>,
    /// Expiry (Unix ms).
    pub expires_ms: i64,
}

/// A stored face event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEvent {
    /// Sequence number (increasing; the SSE event id).
    pub seq: i64,
    /// Idempotency key (the face file name).
    pub key: String,
    /// The [`crate::cloud::protocol::FacePayload`] as JSON.
    pub payload: String,
    /// When the agent took the file (agent clock, Unix ms).
    pub taken_ms: i64,
    /// When the relay stored it (Unix ms).
    pub stored_ms: i64,
}

/// A stored command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandRow {
    /// Its id.
    pub id: String,
    /// `query`, `bulk` …
    pub op: String,
    /// The [`crate::cloud::protocol::Command`] as JSON.
    pub body: String,
    /// `queued`, `sent`, `done` or `failed`.
    pub state: String,
    /// Last progress (JSON), for bulk flows.
    pub progress: Option<String>,
    /// The outcome (JSON), when done or failed.
    pub outcome: Option<String>,
    /// Created (Unix ms).
    pub created_ms: i64,
    /// Last change (Unix ms).
    pub updated_ms: i64,
}

/// An agent as the status and admin pages see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentRow {
    /// Its id.
    pub id: String,
    /// Its clinic.
    pub clinic_id: String,
    /// Revoked at (Unix ms).
    pub revoked_ms: Option<i64>,
    /// Credential expiry (Unix ms).
    pub cred_expires_ms: i64,
    /// Last frame received (Unix ms).
    pub last_seen_ms: Option<i64>,
    /// Connected until (Unix ms): in the future while a relay process holds its connection.
    pub connected_until_ms: i64,
    /// Version it reported.
    pub agent_version: Option<String>,
    /// Its clock minus the relay's (ms), from the last hello or heartbeat.
    pub clock_skew_ms: Option<i64>,
    /// Last health report (JSON [`crate::cloud::protocol::Health`]).
    pub health: Option<String>,
    /// When the health report came (Unix ms).
    pub health_ms: Option<i64>,
}

/// A registered webhook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookRow {
    /// Its id.
    pub id: String,
    /// Its clinic.
    pub clinic_id: String,
    /// Where events are POSTed.
    pub url: String,
    /// The HMAC-SHA256 signing secret.
    pub secret: String,
}

/// A webhook delivery that is due.
#[derive(Clone, Debug)]
pub struct DueDelivery {
    /// Delivery id.
    pub id: i64,
    /// The webhook.
    pub webhook: WebhookRow,
    /// The event.
    pub event: StoredEvent,
    /// Attempts so far.
    pub attempts: i64,
}

/// The current time of the relay (Unix ms).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// SHA-256 of a secret, lower-case hex.
pub fn hash_secret(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// `prefix` + 32 random bytes in hex.
pub fn random_token(prefix: &str) -> String {
    let mut b = [0u8; 32];
    rand::fill(&mut b);
    format!("{prefix}{}", hex(&b))
}

/// `prefix` + 12 random bytes in hex (ids; not secrets).
pub fn random_id(prefix: &str) -> String {
    let mut b = [0u8; 12];
    rand::fill(&mut b);
    format!("{prefix}{}", hex(&b))
}

/// A human-typable one-time code: 16 characters of an alphabet without 0/O/1/I, in groups
/// of four (`ABCD-EFGH-JKLM-NPQR`).
pub fn enrolment_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut b = [0u8; 16];
    rand::fill(&mut b);
    let mut s = String::new();
    for (i, x) in b.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            s.push('-');
        }
        s.push(ALPHABET[(*x as usize) % ALPHABET.len()] as char);
    }
    s
}

/// The canonical form of a typed code: upper case, without dashes or spaces.
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn migrator(backend: Backend) -> Migrator {
    let files: [(i64, &'static str, &'static str); 2] = match backend {
        Backend::Sqlite => [
            (1, "init", include_str!("migrations/sqlite/0001_init.sql")),
            (
                2,
                "commands_sent_to",
                include_str!("migrations/sqlite/0002_commands_sent_to.sql"),
            ),
        ],
        Backend::Postgres => [
            (1, "init", include_str!("migrations/postgres/0001_init.sql")),
            (
                2,
                "commands_sent_to",
                include_str!("migrations/postgres/0002_commands_sent_to.sql"),
            ),
        ],
    };
    Migrator {
        migrations: Cow::Owned(
            files
                .into_iter()
                .map(|(version, desc, sql)| {
                    Migration::new(
                        version,
                        Cow::Borrowed(desc),
                        MigrationType::Simple,
                        Cow::Borrowed(sql),
                        false,
                    )
                })
                .collect(),
        ),
        ..Migrator::DEFAULT
    }
}

/// The relay's database.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    url: String,
}

fn event_from(row: &AnyRow) -> Result<StoredEvent, sqlx::Error> {
    Ok(StoredEvent {
        seq: row.try_get("seq")?,
        key: row.try_get("key")?,
        payload: row.try_get("payload")?,
        taken_ms: row.try_get("taken_ms")?,
        stored_ms: row.try_get("stored_ms")?,
    })
}

fn command_from(row: &AnyRow) -> Result<CommandRow, sqlx::Error> {
    Ok(CommandRow {
        id: row.try_get("id")?,
        op: row.try_get("op")?,
        body: row.try_get("body")?,
        state: row.try_get("state")?,
        progress: row.try_get("progress")?,
        outcome: row.try_get("outcome")?,
        created_ms: row.try_get("created_ms")?,
        updated_ms: row.try_get("updated_ms")?,
    })
}

fn agent_from(row: &AnyRow) -> Result<AgentRow, sqlx::Error> {
    Ok(AgentRow {
        id: row.try_get("id")?,
        clinic_id: row.try_get("clinic_id")?,
        revoked_ms: row.try_get("revoked_ms")?,
        cred_expires_ms: row.try_get("cred_expires_ms")?,
        last_seen_ms: row.try_get("last_seen_ms")?,
        connected_until_ms: row.try_get("connected_until_ms")?,
        agent_version: row.try_get("agent_version")?,
        clock_skew_ms: row.try_get("clock_skew_ms")?,
        health: row.try_get("health")?,
        health_ms: row.try_get("health_ms")?,
    })
}

const AGENT_COLUMNS: &str = "id, clinic_id, revoked_ms, cred_expires_ms, last_seen_ms, \
     connected_until_ms, agent_version, clock_skew_ms, health, health_ms";

impl Store {
    /// Opens (and for SQLite creates) the database at `url` and applies the migrations.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl);
        };
        let mut url_owned = url.to_string();
        if backend == Backend::Sqlite && !url.contains("mode=") && !url.contains(":memory:") {
            url_owned.push_str(if url.contains('?') { "&" } else { "?" });
            url_owned.push_str("mode=rwc");
        }
        let mut opts = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 8 })
            .acquire_timeout(Duration::from_secs(10));
        if backend == Backend::Sqlite {
            opts = opts.after_connect(|conn, _| {
                Box::pin(async move {
                    sqlx::query("PRAGMA journal_mode=WAL")
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query("PRAGMA synchronous=NORMAL")
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query("PRAGMA busy_timeout=10000")
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query("PRAGMA foreign_keys=ON")
                        .execute(&mut *conn)
                        .await?;
                    Ok(())
                })
            });
        }
        let pool = opts.connect(&url_owned).await?;
        migrator(backend).run(&pool).await?;
        Ok(Store {
            pool,
            backend,
            url: url.to_string(),
        })
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL it was opened with (may hold a password: do not log).
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// The pool (for `pg_notify`).
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    // ------------------------------------------------------------------ clinics

    /// Creates a clinic; returns its EMR API key (shown once).
    pub async fn create_clinic(&self, id: &str, name: &str) -> Result<String, StoreError> {
        let key = random_token("oe_");
        sqlx::query(
            "INSERT INTO clinics (id, name, emr_key_hash, created_ms) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(name)
        .bind(hash_secret(&key))
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(key)
    }

    /// The clinic an EMR API key belongs to.
    pub async fn clinic_by_emr_key(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT id FROM clinics WHERE emr_key_hash = $1")
            .bind(hash_secret(key))
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("id")).transpose()?)
    }

    /// Every clinic (id, name), ordered by id.
    pub async fn clinics(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query("SELECT id, name FROM clinics ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
            .collect()
    }

    /// A clinic's name.
    pub async fn clinic_name(&self, id: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT name FROM clinics WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("name")).transpose()?)
    }

    // ------------------------------------------------------------------ enrolment

    /// A one-time enrolment code for `clinic_id`, valid for `ttl`.
    pub async fn create_enrolment_code(
        &self,
        clinic_id: &str,
        ttl: Duration,
    ) -> Result<(String, i64), StoreError> {
        let code = enrolment_code();
        let expires = now_ms() + ttl.as_millis() as i64;
        sqlx::query(
            "INSERT INTO enrolment_codes (code_hash, clinic_id, expires_ms) VALUES ($1, $2, $3)",
        )
        .bind(hash_secret(&normalize_code(&code)))
        .bind(clinic_id)
        .bind(expires)
        .execute(&self.pool)
        .await?;
        Ok((code, expires))
    }

    /// Redeems a code (once) for a new agent and its credential. `None` when the code is
    /// unknown, used or expired.
    pub async fn enrol(
        &self,
        code: &str,
        credential_ttl: Duration,
    ) -> Result<Option<IssuedCredential>, StoreError> {
        let now = now_ms();
        let h = hash_secret(&normalize_code(code));
        // The update is the single-use guard: only one redeemer changes the row.
        let row = sqlx::query(
            "UPDATE enrolment_codes SET used_ms = $1 \
             WHERE code_hash = $2 AND used_ms IS NULL AND expires_ms > $1 RETURNING clinic_id",
        )
        .bind(now)
        .bind(&h)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let clinic_id: String = row.try_get("clinic_id")?;
        let agent_id = random_id("agt_");
        let credential = zeroize::Zeroizing::new(random_token("oa_"));
        let expires_ms = now + credential_ttl.as_millis() as i64;
        sqlx::query(
            "INSERT INTO agents (id, clinic_id, cred_hash, cred_expires_ms, created_ms) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&agent_id)
        .bind(&clinic_id)
        .bind(hash_secret(&credential))
        .bind(expires_ms)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(Some(IssuedCredential {
            agent_id,
            clinic_id,
            credential,
            expires_ms,
        }))
    }

    /// Checks an agent credential at `now`. A rotated (next) credential becomes the only
    /// valid one the first time it is used.
    pub async fn authenticate_agent(
        &self,
        credential: &str,
        now: i64,
    ) -> Result<Result<AgentAuth, AuthFailure>, StoreError> {
        let h = hash_secret(credential);
        let row = sqlx::query(
            "SELECT id, clinic_id, cred_hash, cred_expires_ms, next_cred_hash, next_expires_ms, \
             revoked_ms FROM agents WHERE cred_hash = $1 OR next_cred_hash = $1",
        )
        .bind(&h)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(Err(AuthFailure::Unknown));
        };
        let agent_id: String = row.try_get("id")?;
        let clinic_id: String = row.try_get("clinic_id")?;
        if row.try_get::<Option<i64>, _>("revoked_ms")?.is_some() {
            return Ok(Err(AuthFailure::Revoked));
        }
        let is_next = row
            .try_get::<Option<String>, _>("next_cred_hash")?
            .as_deref()
            == Some(&h);
        let expires_ms: i64 = if is_next {
            let e: Option<i64> = row.try_get("next_expires_ms")?;
            let e = e.unwrap_or(0);
            sqlx::query(
                "UPDATE agents SET cred_hash = next_cred_hash, cred_expires_ms = next_expires_ms, \
                 next_cred_hash = NULL, next_expires_ms = NULL WHERE id = $1 AND next_cred_hash = $2",
            )
            .bind(&agent_id)
            .bind(&h)
            .execute(&self.pool)
            .await?;
            e
        } else {
            row.try_get("cred_expires_ms")?
        };
        if expires_ms <= now {
            return Ok(Err(AuthFailure::Expired));
        }
        Ok(Ok(AgentAuth {
            agent_id,
            clinic_id,
            expires_ms,
        }))
    }

    /// Issues the next credential of an agent. The current one stays valid until the next
    /// one is first used (so a lost answer does not lock the agent out).
    pub async fn rotate(
        &self,
        auth: &AgentAuth,
        ttl: Duration,
    ) -> Result<IssuedCredential, StoreError> {
        let credential = zeroize::Zeroizing::new(random_token("oa_"));
        let expires_ms = now_ms() + ttl.as_millis() as i64;
        sqlx::query(
            "UPDATE agents SET next_cred_hash = $1, next_expires_ms = $2 WHERE id = $3 AND clinic_id = $4",
        )
        .bind(hash_secret(&credential))
        .bind(expires_ms)
        .bind(&auth.agent_id)
        .bind(&auth.clinic_id)
        .execute(&self.pool)
        .await?;
        Ok(IssuedCredential {
            agent_id: auth.agent_id.clone(),
            clinic_id: auth.clinic_id.clone(),
            credential,
            expires_ms,
        })
    }

    /// Revokes an agent; `false` when no such agent.
    pub async fn revoke(&self, agent_id: &str) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE agents SET revoked_ms = $1, connected_until_ms = 0 WHERE id = $2 AND revoked_ms IS NULL",
        )
        .bind(now_ms())
        .bind(agent_id)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() > 0)
    }

    /// Records that a frame came from the agent: last seen now, connected until
    /// `connected_until` (0 when it disconnected).
    pub async fn touch_agent(
        &self,
        agent_id: &str,
        connected_until: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE agents SET last_seen_ms = $1, connected_until_ms = $2 WHERE id = $3")
            .bind(now_ms())
            .bind(connected_until)
            .bind(agent_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records the agent's version and clock skew (from `hello`).
    pub async fn agent_hello(
        &self,
        agent_id: &str,
        version: &str,
        skew_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE agents SET agent_version = $1, clock_skew_ms = $2 WHERE id = $3")
            .bind(version)
            .bind(skew_ms)
            .bind(agent_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Stores the agent's latest health report (JSON) and clock skew.
    pub async fn store_health(
        &self,
        agent_id: &str,
        health_json: &str,
        skew_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE agents SET health = $1, health_ms = $2, clock_skew_ms = $3 WHERE id = $4",
        )
        .bind(health_json)
        .bind(now_ms())
        .bind(skew_ms)
        .bind(agent_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The agents of a clinic, most recently seen first.
    pub async fn agents_of(&self, clinic_id: &str) -> Result<Vec<AgentRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {AGENT_COLUMNS} FROM agents WHERE clinic_id = $1 \
             ORDER BY COALESCE(last_seen_ms, created_ms) DESC, id"
        ))
        .bind(clinic_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(agent_from).collect::<Result<_, _>>()?)
    }

    /// One agent (any clinic: for administrators).
    pub async fn agent(&self, agent_id: &str) -> Result<Option<AgentRow>, StoreError> {
        let row = sqlx::query(&format!("SELECT {AGENT_COLUMNS} FROM agents WHERE id = $1"))
            .bind(agent_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(agent_from).transpose()?)
    }

    // ------------------------------------------------------------------ events

    /// Stores a face event once per (clinic, key). Returns its sequence number and whether it
    /// was new; a new event is queued for every active webhook of the clinic.
    pub async fn store_event(
        &self,
        clinic_id: &str,
        key: &str,
        payload: &str,
        taken_ms: i64,
    ) -> Result<(i64, bool), StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO events (clinic_id, key, payload, taken_ms, stored_ms) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (clinic_id, key) DO NOTHING RETURNING seq",
        )
        .bind(clinic_id)
        .bind(key)
        .bind(payload)
        .bind(taken_ms)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let (seq, new) = match inserted {
            Some(r) => (r.try_get::<i64, _>("seq")?, true),
            None => {
                let r = sqlx::query("SELECT seq FROM events WHERE clinic_id = $1 AND key = $2")
                    .bind(clinic_id)
                    .bind(key)
                    .fetch_one(&mut *tx)
                    .await?;
                (r.try_get::<i64, _>("seq")?, false)
            }
        };
        if new {
            sqlx::query(
                "INSERT INTO deliveries (webhook_id, event_seq, next_ms) \
                 SELECT id, $1, $2 FROM webhooks WHERE clinic_id = $3 AND active = 1",
            )
            .bind(seq)
            .bind(now)
            .bind(clinic_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok((seq, new))
    }

    /// A clinic's events after `after` (exclusive), oldest first, at most `limit`.
    pub async fn events_after(
        &self,
        clinic_id: &str,
        after: i64,
        limit: i64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, key, payload, taken_ms, stored_ms FROM events \
             WHERE clinic_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(clinic_id)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(event_from).collect::<Result<_, _>>()?)
    }

    /// The `n` latest events of a clinic (newest first), for status pages.
    pub async fn latest_events(
        &self,
        clinic_id: &str,
        n: i64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, key, payload, taken_ms, stored_ms FROM events \
             WHERE clinic_id = $1 ORDER BY seq DESC LIMIT $2",
        )
        .bind(clinic_id)
        .bind(n)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(event_from).collect::<Result<_, _>>()?)
    }

    // ------------------------------------------------------------------ commands

    /// Queues a command. With an idempotency key, a second submission with the same key
    /// returns the first command's id (and `false`).
    pub async fn insert_command(
        &self,
        clinic_id: &str,
        idempotency_key: Option<&str>,
        op: &str,
        body: &str,
    ) -> Result<(String, bool), StoreError> {
        let id = random_id("cmd_");
        let now = now_ms();
        let r = sqlx::query(
            "INSERT INTO commands (id, clinic_id, idempotency_key, op, body, state, created_ms, updated_ms) \
             VALUES ($1, $2, $3, $4, $5, 'queued', $6, $6) ON CONFLICT DO NOTHING",
        )
        .bind(&id)
        .bind(clinic_id)
        .bind(idempotency_key)
        .bind(op)
        .bind(body)
        .bind(now)
        .execute(&self.pool)
        .await?;
        if r.rows_affected() == 1 {
            return Ok((id, true));
        }
        let row =
            sqlx::query("SELECT id FROM commands WHERE clinic_id = $1 AND idempotency_key = $2")
                .bind(clinic_id)
                .bind(idempotency_key)
                .fetch_one(&self.pool)
                .await?;
        Ok((row.try_get("id")?, false))
    }

    /// Commands of a clinic not finished yet (queued or sent), oldest first.
    pub async fn open_commands(&self, clinic_id: &str) -> Result<Vec<CommandRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, op, body, state, progress, outcome, created_ms, updated_ms FROM commands \
             WHERE clinic_id = $1 AND state IN ('queued', 'sent') ORDER BY created_ms, id",
        )
        .bind(clinic_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(command_from).collect::<Result<_, _>>()?)
    }

    /// Marks a command as sent to the agent connection `session` (an opaque token), before
    /// the relay hands it over. Takes a `queued` command; with `resend`, also one `sent` to
    /// another connection (a new connection gets every open command), never one this
    /// connection already holds. Returns `false` when the command was not taken (finished,
    /// already held by `session`, or taken by a concurrent dispatch): then it is not sent.
    pub async fn mark_sent(
        &self,
        clinic_id: &str,
        id: &str,
        session: &str,
        resend: bool,
    ) -> Result<bool, StoreError> {
        let q = if resend {
            sqlx::query(
                "UPDATE commands SET state = 'sent', sent_to = $1, updated_ms = $2 \
                 WHERE id = $3 AND clinic_id = $4 AND (state = 'queued' \
                 OR (state = 'sent' AND (sent_to IS NULL OR sent_to <> $5)))",
            )
        } else {
            sqlx::query(
                "UPDATE commands SET state = 'sent', sent_to = $1, updated_ms = $2 \
                 WHERE id = $3 AND clinic_id = $4 AND state = 'queued'",
            )
        };
        let q = q.bind(session).bind(now_ms()).bind(id).bind(clinic_id);
        let q = if resend { q.bind(session) } else { q };
        let r = q.execute(&self.pool).await?;
        Ok(r.rows_affected() > 0)
    }

    /// Puts the commands still `sent` to the agent connection `session` back to `queued`:
    /// that connection ended without their results, so nobody holds them. Returns how many.
    pub async fn requeue_sent_to(&self, clinic_id: &str, session: &str) -> Result<u64, StoreError> {
        let r = sqlx::query(
            "UPDATE commands SET state = 'queued', sent_to = NULL, updated_ms = $1 \
             WHERE clinic_id = $2 AND sent_to = $3 AND state = 'sent'",
        )
        .bind(now_ms())
        .bind(clinic_id)
        .bind(session)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected())
    }

    /// One command of a clinic.
    pub async fn command(
        &self,
        clinic_id: &str,
        id: &str,
    ) -> Result<Option<CommandRow>, StoreError> {
        let row = sqlx::query(
            "SELECT id, op, body, state, progress, outcome, created_ms, updated_ms FROM commands \
             WHERE id = $1 AND clinic_id = $2",
        )
        .bind(id)
        .bind(clinic_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(command_from).transpose()?)
    }

    /// Records a command's progress (only while it is open).
    pub async fn set_progress(
        &self,
        clinic_id: &str,
        id: &str,
        progress: &str,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE commands SET progress = $1, updated_ms = $2 \
             WHERE id = $3 AND clinic_id = $4 AND state IN ('queued', 'sent')",
        )
        .bind(progress)
        .bind(now_ms())
        .bind(id)
        .bind(clinic_id)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() > 0)
    }

    /// Records a command's outcome (`done` or `failed`); the first outcome wins. Returns
    /// `true` when the command exists in this clinic (whether or not this call set it).
    pub async fn set_outcome(
        &self,
        clinic_id: &str,
        id: &str,
        state: &str,
        outcome: &str,
    ) -> Result<bool, StoreError> {
        sqlx::query(
            "UPDATE commands SET state = $1, outcome = $2, updated_ms = $3 \
             WHERE id = $4 AND clinic_id = $5 AND state IN ('queued', 'sent')",
        )
        .bind(state)
        .bind(outcome)
        .bind(now_ms())
        .bind(id)
        .bind(clinic_id)
        .execute(&self.pool)
        .await?;
        Ok(self.command(clinic_id, id).await?.is_some())
    }

    // ------------------------------------------------------------------ webhooks

    /// Registers a webhook for a clinic.
    pub async fn add_webhook(
        &self,
        clinic_id: &str,
        url: &str,
        secret: &str,
    ) -> Result<String, StoreError> {
        let id = random_id("whk_");
        sqlx::query(
            "INSERT INTO webhooks (id, clinic_id, url, secret, created_ms) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(clinic_id)
        .bind(url)
        .bind(secret)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(id)
    }

    /// A clinic's active webhooks.
    pub async fn webhooks(&self, clinic_id: &str) -> Result<Vec<WebhookRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, clinic_id, url, secret FROM webhooks WHERE clinic_id = $1 AND active = 1 ORDER BY created_ms, id",
        )
        .bind(clinic_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(WebhookRow {
                    id: r.try_get("id")?,
                    clinic_id: r.try_get("clinic_id")?,
                    url: r.try_get("url")?,
                    secret: r.try_get("secret")?,
                })
            })
            .collect()
    }

    /// Deactivates a clinic's webhook; `false` when it has none with that id.
    pub async fn remove_webhook(&self, clinic_id: &str, id: &str) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE webhooks SET active = 0 WHERE id = $1 AND clinic_id = $2 AND active = 1",
        )
        .bind(id)
        .bind(clinic_id)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() > 0)
    }

    /// Claims up to `limit` due deliveries for `lease` (another process will not take them
    /// meanwhile).
    pub async fn claim_deliveries(
        &self,
        limit: i64,
        lease: Duration,
    ) -> Result<Vec<DueDelivery>, StoreError> {
        let now = now_ms();
        let rows = sqlx::query(
            "SELECT d.id AS did, d.attempts, w.id AS wid, w.clinic_id, w.url, w.secret, \
             e.seq, e.key, e.payload, e.taken_ms, e.stored_ms \
             FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id \
             JOIN events e ON e.seq = d.event_seq AND e.clinic_id = w.clinic_id \
             WHERE d.done_ms IS NULL AND d.next_ms <= $1 AND d.locked_until_ms <= $1 AND w.active = 1 \
             ORDER BY d.id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let id: i64 = r.try_get("did")?;
            let claimed = sqlx::query(
                "UPDATE deliveries SET locked_until_ms = $1 WHERE id = $2 AND locked_until_ms <= $3 AND done_ms IS NULL",
            )
            .bind(now + lease.as_millis() as i64)
            .bind(id)
            .bind(now)
            .execute(&self.pool)
            .await?;
            if claimed.rows_affected() == 0 {
                continue;
            }
            out.push(DueDelivery {
                id,
                attempts: r.try_get("attempts")?,
                webhook: WebhookRow {
                    id: r.try_get("wid")?,
                    clinic_id: r.try_get("clinic_id")?,
                    url: r.try_get("url")?,
                    secret: r.try_get("secret")?,
                },
                event: StoredEvent {
                    seq: r.try_get("seq")?,
                    key: r.try_get("key")?,
                    payload: r.try_get("payload")?,
                    taken_ms: r.try_get("taken_ms")?,
                    stored_ms: r.try_get("stored_ms")?,
                },
            });
        }
        Ok(out)
    }

    /// Records a delivery attempt: done, or retry at `next_ms`.
    pub async fn delivery_attempt(
        &self,
        id: i64,
        ok: bool,
        status: &str,
        next_ms: i64,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query(
            "UPDATE deliveries SET attempts = attempts + 1, last_status = $1, locked_until_ms = 0, \
             done_ms = $2, next_ms = $3 WHERE id = $4",
        )
        .bind(status)
        .bind(if ok { Some(now) } else { None })
        .bind(next_ms)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
