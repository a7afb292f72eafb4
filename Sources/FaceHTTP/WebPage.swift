/// The web page served at `/`.
enum WebPage {
    /// The page's HTML.
    static let html: String = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>FaceKit</title></head>
        <body>
        <h1>FaceKit</h1>
        <p>The FaceKit face-recognition service is running. The API is described at
        <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>; health at <a href="/health">/health</a>.</p>
        </body>
        </html>
        """
}
