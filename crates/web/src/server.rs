//! The HTTP server around the router, bounded so that clients cannot exhaust it: hyper's HTTP/1
//! with a header-read timeout (a client that sends half a request and waits is closed; so is a
//! kept-alive connection left idle), a cap on connections held at once well below the
//! open-file limit (raised to its hard limit at start), and graceful shutdown.
//!
//! At the cap, a new connection closes the connection idle longest — one waiting for a request
//! or half-way through sending its headers — rather than waiting behind them or being turned
//! away, so `/healthz` and real people get in while thousands of half-sent requests are held.
//! A connection whose request is under way (body being read, answer being written) is never
//! closed for another; when every connection is busy, the new one is closed at once.

use crate::AppState;
use axum::body::Body;
use axum::extract::ConnectInfo;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower::ServiceExt;

/// How long shutdown waits for requests under way (an upload resumes from its last piece).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Serves the router on `listener` until `shutdown` completes, then lets requests under way
/// finish (for [`SHUTDOWN_GRACE`] at most).
pub(crate) async fn run(listener: TcpListener, state: AppState, shutdown: impl Future<Output = ()>) -> std::io::Result<()> {
    let config = state.config.clone();
    let cap = connection_cap(config.max_connections, raise_file_limit());
    let app = crate::router(state);
    let connections = Arc::new(Connections::new(cap));
    let mut http = hyper::server::conn::http1::Builder::new();
    // hyper applies no header timeout without a timer: that was how idle half-sent requests
    // piled up until file handles ran out.
    http.timer(TokioTimer::new()).header_read_timeout(config.header_timeout);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    accept_failed(error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Every connection has a request under way: dropping the stream closes this one now,
        // which the client sees at once, instead of queueing it unseen.
        let Some(slot) = connections.admit() else { continue };
        let conn = slot.conn.clone();
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(remote));
            let busy = Busy::start(&conn);
            let app = app.clone();
            async move {
                let response = app.oneshot(request).await.unwrap_or_else(|never| match never {});
                // Busy until the answer's last byte is handed over: `busy` lives in the body.
                Ok::<_, Infallible>(response.map(|body| {
                    Body::new(body.map_frame(move |frame| {
                        let _sending = &busy;
                        frame
                    }))
                }))
            }
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            tokio::select! {
                result = connection => {
                    // Timeouts, resets and malformed requests are the client's: not an error here.
                    if let Err(error) = result {
                        tracing::debug!(%error, "connection ended");
                    }
                }
                () = slot.conn.evict.notified() => tracing::debug!("idle connection closed for a new one"),
            }
            drop(slot);
        });
    }
    drop(listener);
    // hyper's graceful shutdown waits for a connection half-way through its headers as for a
    // request; it has none under way, so it is closed now, like every idle one.
    connections.close_idle();
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still under way at shutdown were cut");
    }
    Ok(())
}

async fn accept_failed(error: std::io::Error) {
    use std::io::ErrorKind::*;
    // A connection reset before it was accepted is the client's business.
    if matches!(error.kind(), ConnectionAborted | ConnectionReset | ConnectionRefused | Interrupted) {
        return;
    }
    // Out of file handles or memory: say so, and give closing connections a moment.
    tracing::warn!(%error, "accepting a connection failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// Raises this process's soft limit on open files to its hard limit — services often start at
/// 1,024, which a few hundred slow clients and the database already approach — and returns the
/// limit now in force (`None` where it cannot be read).
#[cfg(unix)]
fn raise_file_limit() -> Option<u64> {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit only writes the struct it is given.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return None;
    }
    if limit.rlim_cur < limit.rlim_max {
        let raised = libc::rlimit { rlim_cur: limit.rlim_max, rlim_max: limit.rlim_max };
        // SAFETY: setrlimit only reads the struct it is given; failing (a hard limit of
        // "unlimited" the kernel will not grant) leaves the soft limit as it was.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            limit = raised;
        }
    }
    Some(limit.rlim_cur)
}

#[cfg(not(unix))]
fn raise_file_limit() -> Option<u64> {
    None
}

/// The connection cap in force: as configured, but at most half the open-file limit, so the
/// database, blobs, uploads and the số hóa line always have handles left.
fn connection_cap(configured: usize, file_limit: Option<u64>) -> usize {
    let Some(limit) = file_limit else { return configured.max(1) };
    let ceiling = usize::try_from(limit / 2).unwrap_or(usize::MAX).max(1);
    if configured > ceiling {
        tracing::warn!(configured, open_file_limit = limit, cap = ceiling, "connection cap lowered to half the open-file limit");
    }
    configured.clamp(1, ceiling)
}

/// Milliseconds since the server started: when a connection last went idle.
fn now_ms() -> u64 {
    static EPOCH: LazyLock<Instant> = LazyLock::new(Instant::now);
    u64::try_from(EPOCH.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// One live connection, as the cap sees it.
struct Conn {
    /// Requests under way on it: from their head being read to the last byte of the answer.
    active: AtomicUsize,
    /// When it last had no request under way (its accept time until its first request).
    idle_since: AtomicU64,
    /// Told when a newer connection needs its place.
    evict: Notify,
}

/// A request under way on a connection; the connection is idle again when it is dropped.
struct Busy(Arc<Conn>);

impl Busy {
    fn start(conn: &Arc<Conn>) -> Busy {
        conn.active.fetch_add(1, Ordering::AcqRel);
        Busy(conn.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.idle_since.store(now_ms(), Ordering::Relaxed);
        self.0.active.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The connections held, and the cap on them.
struct Connections {
    cap: usize,
    live: Mutex<Live>,
}

struct Live {
    next_id: u64,
    by_id: HashMap<u64, Arc<Conn>>,
    /// When the cap was last reported, so an attack fills the log with one line a minute.
    reported: Option<Instant>,
}

/// A connection's place under the cap, given back when it is dropped.
struct Slot {
    id: u64,
    conn: Arc<Conn>,
    connections: Arc<Connections>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.connections.live.lock().expect("connection table lock").by_id.remove(&self.id);
    }
}

impl Connections {
    fn new(cap: usize) -> Connections {
        Connections { cap, live: Mutex::new(Live { next_id: 0, by_id: HashMap::new(), reported: None }) }
    }

    /// A place for a new connection: a free one, or the place of the connection idle longest,
    /// which is told to close. `None` when every connection has a request under way.
    fn admit(self: &Arc<Self>) -> Option<Slot> {
        let mut live = self.live.lock().expect("connection table lock");
        if live.by_id.len() >= self.cap {
            let idlest = live
                .by_id
                .iter()
                .filter(|(_, conn)| conn.active.load(Ordering::Acquire) == 0)
                .min_by_key(|(_, conn)| conn.idle_since.load(Ordering::Relaxed))
                .map(|(id, _)| *id);
            let report = live.reported.is_none_or(|at| at.elapsed() > Duration::from_secs(60));
            if report {
                live.reported = Some(Instant::now());
                tracing::warn!(cap = self.cap, "connection cap reached: idle connections are closed for new ones");
            }
            match idlest {
                Some(id) => {
                    if let Some(conn) = live.by_id.remove(&id) {
                        // Stored as a permit if its task is not waiting yet: it closes as soon as it is.
                        conn.evict.notify_one();
                    }
                }
                None => return None,
            }
        }
        let id = live.next_id;
        live.next_id += 1;
        let conn = Arc::new(Conn { active: AtomicUsize::new(0), idle_since: AtomicU64::new(now_ms()), evict: Notify::new() });
        live.by_id.insert(id, conn.clone());
        Some(Slot { id, conn, connections: self.clone() })
    }

    /// Tells every connection with no request under way to close.
    fn close_idle(&self) {
        let live = self.live.lock().expect("connection table lock");
        for conn in live.by_id.values().filter(|conn| conn.active.load(Ordering::Acquire) == 0) {
            conn.evict.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_the_cap_the_connection_idle_longest_makes_room_and_a_busy_one_never_does() {
        let connections = Arc::new(Connections::new(2));
        let first = connections.admit().unwrap();
        std::thread::sleep(Duration::from_millis(5));
        let second = connections.admit().unwrap();
        // The first has a request under way: the second, idle, gives its place.
        let busy = Busy::start(&first.conn);
        let third = connections.admit().unwrap();
        assert!(second.conn.evict.notified().now_or_never().is_some(), "the idle connection is told to close");
        assert!(first.conn.evict.notified().now_or_never().is_none());
        // Both remaining connections busy: nobody is closed, the newcomer is refused.
        let _busy_third = Busy::start(&third.conn);
        assert!(connections.admit().is_none());
        drop(busy);
        assert!(connections.admit().is_some(), "the first went idle once its answer was sent");
    }

    #[test]
    fn the_cap_leaves_half_the_file_handles_to_the_rest() {
        assert_eq!(connection_cap(2048, Some(1024)), 512);
        assert_eq!(connection_cap(2048, Some(1_048_576)), 2048);
        assert_eq!(connection_cap(0, None), 1);
    }

    trait NowOrNever: Future + Sized {
        fn now_or_never(self) -> Option<Self::Output> {
            let waker = std::task::Waker::noop();
            let mut cx = std::task::Context::from_waker(waker);
            match std::pin::pin!(self).poll(&mut cx) {
                std::task::Poll::Ready(output) => Some(output),
                std::task::Poll::Pending => None,
            }
        }
    }

    impl<F: Future> NowOrNever for F {}
}
