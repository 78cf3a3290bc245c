//! Notices between the parts of one relay process and, on PostgreSQL, between relay
//! processes (LISTEN/NOTIFY on the channel `onshi_relay`). A notice only says *what changed
//! where*; the receiver reads the database for the details, so a lost notice delays but never
//! loses anything (every waiter also rechecks the database periodically).

use super::store::{Backend, Store};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// The PostgreSQL channel.
pub const CHANNEL: &str = "onshi_relay";

/// What changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "n", rename_all = "snake_case")]
pub enum Notice {
    /// A command was queued for a clinic: whoever holds its agent sends it.
    Command {
        /// The clinic.
        clinic: String,
    },
    /// A face event was stored for a clinic.
    Event {
        /// The clinic.
        clinic: String,
    },
    /// A command got progress or its outcome.
    Result {
        /// The clinic.
        clinic: String,
        /// The command.
        id: String,
    },
    /// An agent was revoked: whoever holds its connection closes it.
    Revoked {
        /// The agent.
        agent: String,
    },
    /// A webhook delivery is due.
    Delivery,
}

/// The bus of one relay process.
#[derive(Clone, Debug)]
pub struct Bus {
    tx: broadcast::Sender<Notice>,
    store: Store,
}

impl Bus {
    /// A bus over `store`; on PostgreSQL it starts listening (in a task of the current
    /// runtime) before it returns.
    pub async fn start(store: Store) -> Result<Bus, sqlx::Error> {
        let (tx, _) = broadcast::channel(4096);
        if store.backend() == Backend::Postgres {
            let mut listener = sqlx::postgres::PgListener::connect(store.url()).await?;
            listener.listen(CHANNEL).await?;
            let tx2 = tx.clone();
            tokio::spawn(async move {
                loop {
                    match listener.recv().await {
                        Ok(n) => {
                            if let Ok(notice) = serde_json::from_str::<Notice>(n.payload()) {
                                let _ = tx2.send(notice);
                            }
                        }
                        Err(e) => {
                            // PgListener reconnects by itself on the next recv; a notice lost
                            // meanwhile is covered by the periodic rechecks.
                            tracing::warn!(error = %e, "LISTEN connection lost; reconnecting");
                            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                        }
                    }
                }
            });
        }
        Ok(Bus { tx, store })
    }

    /// Publishes a notice to every relay process (this one included).
    pub async fn publish(&self, notice: Notice) {
        match self.store.backend() {
            Backend::Sqlite => {
                let _ = self.tx.send(notice);
            }
            Backend::Postgres => {
                let payload = serde_json::to_string(&notice).unwrap_or_default();
                let r = sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(CHANNEL)
                    .bind(payload)
                    .execute(self.store.pool())
                    .await;
                if let Err(e) = r {
                    tracing::warn!(error = %e, "NOTIFY failed; delivering locally only");
                    let _ = self.tx.send(notice);
                }
            }
        }
    }

    /// Receives the notices published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.tx.subscribe()
    }
}
