import FaceGallery
import Foundation

/// A fixed-capacity pool of connections, opened on demand. A thread that finds every connection
/// busy waits for one to come back. Connections that broke (server restarted, transaction left
/// open) are closed on return and replaced by a fresh one on a later request.
final class PostgresConnectionPool: @unchecked Sendable {
    /// Most connections open at once.
    let capacity: Int
    private let location: String
    private let connect: @Sendable () throws(GalleryError) -> PostgresConnection
    // `condition` guards everything below it.
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var openCount = 0
    private var closed = false

    init(capacity: Int, location: String, connect: @escaping @Sendable () throws(GalleryError) -> PostgresConnection) {
        precondition(capacity > 0, "a connection pool holds at least one connection, got \(capacity)")
        self.capacity = capacity
        self.location = location
        self.connect = connect
    }

    /// Hands a connection to `body` and takes it back afterwards.
    func withConnection<T>(_ body: (PostgresConnection) throws(GalleryError) -> T) throws(GalleryError) -> T {
        let connection = try checkOut()
        defer { checkIn(connection) }
        return try body(connection)
    }

    /// Adds an already open connection (the one that set up the schema) to the idle ones.
    func adopt(_ connection: PostgresConnection) {
        condition.lock()
        openCount += 1
        condition.unlock()
        checkIn(connection)
    }

    /// Closes idle connections now and busy ones when they come back; later requests throw
    /// `.unavailable`.
    func close() {
        condition.lock()
        closed = true
        let closing = idle
        openCount -= idle.count
        idle.removeAll()
        condition.broadcast()
        condition.unlock()
        _ = closing  // libpq closes each connection as it is released here, outside the lock.
    }

    private func checkOut() throws(GalleryError) -> PostgresConnection {
        condition.lock()
        while true {
            if closed {
                condition.unlock()
                throw GalleryError(.unavailable, "the gallery at \(location) is closed")
            }
            if let connection = idle.popLast() {
                condition.unlock()
                return connection
            }
            if openCount < capacity {
                openCount += 1
                condition.unlock()
                do {
                    return try connect()
                } catch {
                    condition.lock()
                    openCount -= 1
                    condition.signal()
                    condition.unlock()
                    throw error
                }
            }
            condition.wait()
        }
    }

    private func checkIn(_ connection: PostgresConnection) {
        condition.lock()
        if closed || !connection.isReusable {
            openCount -= 1
        } else {
            idle.append(connection)
        }
        condition.signal()
        condition.unlock()
    }
}
