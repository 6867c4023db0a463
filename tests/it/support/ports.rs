//! Ports on 127.0.0.1 for what a test listens on (a webhook, the metrics) or for a network that
//! is not there.

use std::net::SocketAddr;

/// An address on 127.0.0.1 that nothing listens on: a port the OS gave a listener that is
/// closed again at once.
pub fn free_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}
