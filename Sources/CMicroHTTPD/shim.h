#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <microhttpd.h>

/// Leaves the request path and query arguments as the client sent them: FaceHTTP percent-decodes them
/// itself, so that an encoded `/` inside a subject name stays part of the name.
static inline size_t CMicroHTTPD_keepEscapes(void *context, struct MHD_Connection *connection, char *text) {
    (void)context;
    (void)connection;
    return strlen(text);
}

/// Starts a daemon bound to `address` (IPv4, port in network order; 0 picks a free port).
static inline struct MHD_Daemon *CMicroHTTPD_start(
    unsigned int flags, const struct sockaddr_in *address,
    MHD_AccessHandlerCallback handler, void *handlerContext,
    MHD_RequestCompletedCallback completed, void *completedContext,
    unsigned int connectionLimit, unsigned int connectionTimeoutSeconds, size_t connectionMemoryLimit)
{
    return MHD_start_daemon(
        flags, ntohs(address->sin_port), NULL, NULL, handler, handlerContext,
        MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)address,
        MHD_OPTION_NOTIFY_COMPLETED, completed, completedContext,
        MHD_OPTION_CONNECTION_LIMIT, connectionLimit,
        MHD_OPTION_CONNECTION_TIMEOUT, connectionTimeoutSeconds,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, connectionMemoryLimit,
        MHD_OPTION_UNESCAPE_CALLBACK, CMicroHTTPD_keepEscapes, NULL,
        MHD_OPTION_END);
}

/// The port the daemon listens on (useful after binding port 0), or 0 when unknown.
static inline uint16_t CMicroHTTPD_boundPort(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}
