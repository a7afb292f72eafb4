import FaceCore
/// The OpenAPI 3.1 description of every route, served at `/api/v1/openapi.json`.
///
/// Written by hand so that it documents intent; a test checks that its operations and the router's
/// routes are the same set.
enum OpenAPIDocument {
    /// The document as JSON bytes.
    static let bytes: [UInt8] = Array(document.rendered().utf8)

    private static func ref(_ name: String) -> JSONValue {
        .object([("$ref", .string("#/components/schemas/\(name)"))])
    }
    private static func schema(_ type: String, _ extra: [(String, JSONValue)] = []) -> JSONValue {
        .object([("type", .string(type))] + extra)
    }
    private static func object(_ properties: [(String, JSONValue)], required: [String] = []) -> JSONValue {
        var members: [(String, JSONValue)] = [("type", .string("object")), ("properties", .object(properties))]
        if !required.isEmpty { members.append(("required", .array(required.map(JSONValue.string)))) }
        return .object(members)
    }
    private static func array(_ items: JSONValue) -> JSONValue {
        .object([("type", .string("array")), ("items", items)])
    }

    private static func jsonContent(_ schema: JSONValue) -> JSONValue {
        .object([("application/json", .object([("schema", schema)]))])
    }

    private static func reply(_ description: String, _ schema: JSONValue? = nil, headers: [(String, JSONValue)] = [])
        -> JSONValue
    {
        var members: [(String, JSONValue)] = [("description", .string(description))]
        if let schema { members.append(("content", jsonContent(schema))) }
        if !headers.isEmpty { members.append(("headers", .object(headers))) }
        return .object(members)
    }

    private static func errorReply(_ codes: [APIError.Code]) -> JSONValue {
        reply("Error: " + codes.map(\.name).joined(separator: ", "), ref("Error"))
    }

    /// Errors any protected route can answer with.
    private static func protectedErrors(admin: Bool) -> [(String, JSONValue)] {
        var errors: [(String, JSONValue)] = [("401", errorReply([.unauthorized]))]
        if admin { errors.append(("403", errorReply([.forbidden]))) }
        return errors
    }

    private static let overloaded: [(String, JSONValue)] = [
        ("413", errorReply([.bodyTooLarge, .imageTooLarge])),
        ("415", errorReply([.unsupportedMediaType, .unsupportedImage])),
        (
            "503",
            reply(
                "Error: OVERLOADED (with Retry-After), GALLERY_UNAVAILABLE", ref("Error"),
                headers: [("Retry-After", .object([("schema", schema("integer"))]))])
        ),
        ("504", errorReply([.deadlineExceeded])),
    ]

    private static func imageBody(fields: [(String, JSONValue)], required: [String]) -> JSONValue {
        let multipart = object(
            fields.map { name, value in
                (name, value.isBinaryImage ? schema("string", [("format", .string("binary"))]) : value)
            }, required: required)
        let json = object(
            fields.map { name, value in
                (name, value.isBinaryImage ? schema("string", [("contentEncoding", .string("base64"))]) : value)
            }, required: required)
        return .object([
            ("required", .bool(true)),
            (
                "content",
                .object([
                    ("multipart/form-data", .object([("schema", multipart)])),
                    ("application/json", .object([("schema", json)])),
                ])
            ),
        ])
    }

    private static let imageField = JSONValue.string("binary-image")
    private static let nameParameter: JSONValue = .object([
        ("name", .string("name")), ("in", .string("path")), ("required", .bool(true)),
        ("description", .string("The subject's name, percent-encoded UTF-8.")), ("schema", schema("string")),
    ])
    private static func queryParameter(_ name: String, _ type: String, _ description: String) -> JSONValue {
        .object([
            ("name", .string(name)), ("in", .string("query")), ("required", .bool(false)),
            ("description", .string(description)), ("schema", schema(type)),
        ])
    }

    private static func operation(
        _ id: String, _ summary: String, security: RouteAccess,
        parameters: [JSONValue] = [], body: JSONValue? = nil,
        responses: [(String, JSONValue)]
    ) -> JSONValue {
        var members: [(String, JSONValue)] = [("operationId", .string(id)), ("summary", .string(summary))]
        if security == .open {
            members.append(("security", .array([])))
        } else {
            members.append(
                (
                    "description",
                    .string("Needs a key of the \(security.rawValue) scope (admin keys may call every route).")
                ))
        }
        if !parameters.isEmpty { members.append(("parameters", .array(parameters))) }
        if let body { members.append(("requestBody", body)) }
        var all = responses
        if security != .open { all += protectedErrors(admin: security == .admin) }
        members.append(("responses", .object(all)))
        return .object(members)
    }

    private static let threshold = schema("number", [("exclusiveMinimum", .integer(0)), ("default", .number(0.6))])

    static let document: JSONValue = .object([
        ("openapi", .string("3.1.0")),
        (
            "info",
            .object([
                ("title", .string("FaceKit")), ("version", .string("1")),
                (
                    "description",
                    .string(
                        "Face verification (1:1), identification (1:N) and gallery management. Images are JPEG or PNG, sent as multipart/form-data file fields or base64 JSON members. Errors are {\"error\": {\"code\", \"message\"}}."
                    )
                ),
            ])
        ),
        (
            "components",
            .object([
                (
                    "securitySchemes",
                    .object([
                        (
                            "apiKey",
                            .object([
                                ("type", .string("apiKey")), ("in", .string("header")), ("name", .string("x-api-key")),
                            ])
                        ),
                        ("bearer", .object([("type", .string("http")), ("scheme", .string("bearer"))])),
                    ])
                ),
                (
                    "schemas",
                    .object([
                        (
                            "Error",
                            object(
                                [
                                    (
                                        "error",
                                        object(
                                            [
                                                (
                                                    "code",
                                                    schema(
                                                        "string",
                                                        [("enum", .array(APIError.Code.all.map { .string($0.name) }))])
                                                ),
                                                ("message", schema("string")),
                                            ], required: ["code", "message"])
                                    )
                                ], required: ["error"])
                        ),
                        (
                            "Box",
                            object([
                                ("x", schema("number")), ("y", schema("number")), ("width", schema("number")),
                                ("height", schema("number")),
                            ])
                        ),
                        (
                            "Face",
                            object([
                                ("box", ref("Box")), ("confidence", schema("number")),
                                ("landmarks", array(array(schema("number")))),
                            ])
                        ),
                        (
                            "DescribedFace",
                            object([
                                ("box", ref("Box")), ("confidence", schema("number")),
                                ("landmarks", array(array(schema("number")))),
                                ("descriptor", array(schema("number"))),
                            ])
                        ),
                        (
                            "Timing",
                            object([
                                ("decode", schema("number")), ("detect", schema("number")), ("embed", schema("number")),
                                ("search", schema("number")), ("total", schema("number")),
                            ])
                        ),
                        (
                            "Subject",
                            object([
                                ("name", schema("string")), ("metadata", schema("object")),
                                ("faces", schema("integer")),
                                ("created", schema("string", [("format", .string("date-time"))])),
                                ("updated", schema("string", [("format", .string("date-time"))])),
                            ])
                        ),
                        (
                            "StoredFace",
                            object([
                                ("id", schema("integer")), ("box", ref("Box")), ("confidence", schema("number")),
                                ("photo_sha256", schema("string")),
                                ("created", schema("string", [("format", .string("date-time"))])),
                            ])
                        ),
                        (
                            "EnrolmentResults",
                            object([
                                ("subject", schema("string")),
                                (
                                    "results",
                                    array(
                                        object(
                                            [
                                                ("index", schema("integer")), ("filename", schema("string")),
                                                (
                                                    "face",
                                                    object([
                                                        ("id", schema("integer")), ("box", ref("Box")),
                                                        ("confidence", schema("number")),
                                                    ])
                                                ),
                                                (
                                                    "error",
                                                    object([("code", schema("string")), ("message", schema("string"))])
                                                ),
                                            ], required: ["index"]))
                                ),
                            ])
                        ),
                        (
                            "Health",
                            object([
                                ("status", schema("string", [("enum", .array([.string("ok"), .string("degraded")]))])),
                                ("models_loaded", schema("boolean")),
                                (
                                    "gallery",
                                    object([
                                        ("reachable", schema("boolean")), ("location", schema("string")),
                                        ("subjects", schema("integer")), ("faces", schema("integer")),
                                    ])
                                ),
                            ])
                        ),
                    ])
                ),
            ])
        ),
        ("security", .array([.object([("apiKey", .array([]))]), .object([("bearer", .array([]))])])),
        ("paths", .object(paths)),
    ])

    private static let healthOperation = operation(
        "health", "Models loaded and gallery reachable", security: .open,
        responses: [("200", reply("Healthy", ref("Health"))), ("503", reply("Degraded", ref("Health")))])
    private static let metricsOperation: JSONValue = .object([
        (
            "summary",
            .string("Prometheus metrics: requests and latency by route and status, stage timings, gallery size")
        ),
        ("security", .array([])),
        (
            "responses",
            .object([
                (
                    "200",
                    .object([
                        ("description", .string("Prometheus text format 0.0.4")),
                        ("content", .object([("text/plain", .object([("schema", schema("string"))]))])),
                    ])
                )
            ])
        ),
    ])

    private static let paths: [(String, JSONValue)] = [
        (
            "/",
            .object([
                (
                    "get",
                    .object([
                        ("summary", .string("The web page")), ("security", .array([])),
                        (
                            "responses",
                            .object([
                                (
                                    "200",
                                    .object([
                                        ("description", .string("HTML")),
                                        ("content", .object([("text/html", .object([("schema", schema("string"))]))])),
                                    ])
                                )
                            ])
                        ),
                    ])
                )
            ])
        ),
        ("/health", .object([("get", healthOperation)])),
        ("/metrics", .object([("get", metricsOperation)])),
        ("/api/v1/health", .object([("get", healthOperation)])),
        ("/api/v1/metrics", .object([("get", metricsOperation)])),
        (
            "/api/v1/openapi.json",
            .object([
                (
                    "get",
                    .object([
                        ("summary", .string("This document")), ("security", .array([])),
                        ("responses", .object([("200", reply("OpenAPI 3.1", schema("object")))])),
                    ])
                )
            ])
        ),
        (
            "/api/v1/verify",
            .object([
                (
                    "post",
                    operation(
                        "verify", "Are the largest faces of two photos the same person?", security: .read,
                        parameters: [
                            queryParameter(
                                "threshold", "number",
                                "Largest Euclidean distance for the same person (default 0.6); also a form field or JSON member."
                            )
                        ],
                        body: imageBody(
                            fields: [("image1", imageField), ("image2", imageField), ("threshold", threshold)],
                            required: ["image1", "image2"]),
                        responses: [
                            (
                                "200",
                                reply(
                                    "The verdict",
                                    object([
                                        ("distance", schema("number")), ("threshold", schema("number")),
                                        ("same_person", schema("boolean")),
                                        ("faces", object([("image1", ref("Face")), ("image2", ref("Face"))])),
                                        (
                                            "faces_found",
                                            object([("image1", schema("integer")), ("image2", schema("integer"))])
                                        ),
                                        ("timing_ms", ref("Timing")),
                                    ]))
                            ),
                            ("400", errorReply([.invalidJSON, .invalidMultipart, .missingField, .invalidArgument])),
                            ("422", errorReply([.noFace])),
                        ] + overloaded)
                )
            ])
        ),
        (
            "/api/v1/identify",
            .object([
                (
                    "post",
                    operation(
                        "identify", "Who, among the gallery's subjects, is each face in a photo?", security: .read,
                        parameters: [
                            queryParameter("top", "integer", "Candidates per face, 1–100 (default 5)."),
                            queryParameter(
                                "threshold", "number",
                                "A face whose best candidate is farther is unknown (default 0.6)."),
                        ],
                        body: imageBody(
                            fields: [
                                ("image", imageField),
                                ("top", schema("integer", [("minimum", .integer(1)), ("maximum", .integer(100))])),
                                ("threshold", threshold),
                            ], required: ["image"]),
                        responses: [
                            (
                                "200",
                                reply(
                                    "Candidates per face",
                                    object([
                                        ("width", schema("integer")), ("height", schema("integer")),
                                        (
                                            "faces",
                                            array(
                                                object([
                                                    ("box", ref("Box")), ("confidence", schema("number")),
                                                    ("landmarks", array(array(schema("number")))),
                                                    (
                                                        "candidates",
                                                        array(
                                                            object([
                                                                ("subject", schema("string")),
                                                                ("distance", schema("number")),
                                                            ]))
                                                    ),
                                                    ("unknown", schema("boolean")),
                                                ]))
                                        ),
                                        ("timing_ms", ref("Timing")),
                                    ]))
                            ),
                            ("400", errorReply([.invalidJSON, .invalidMultipart, .missingField, .invalidArgument])),
                        ] + overloaded)
                )
            ])
        ),
        (
            "/api/v1/detect",
            .object([
                (
                    "post",
                    operation(
                        "detect", "Every face in a photo, with landmarks", security: .read,
                        body: imageBody(fields: [("image", imageField)], required: ["image"]),
                        responses: [
                            (
                                "200",
                                reply(
                                    "Faces, largest first",
                                    object([
                                        ("width", schema("integer")), ("height", schema("integer")),
                                        ("faces", array(ref("Face"))), ("timing_ms", ref("Timing")),
                                    ]))
                            ),
                            ("400", errorReply([.invalidJSON, .invalidMultipart, .missingField])),
                        ] + overloaded)
                )
            ])
        ),
        (
            "/api/v1/embed",
            .object([
                (
                    "post",
                    operation(
                        "embed", "Every face in a photo with its 128-D descriptor", security: .read,
                        body: imageBody(fields: [("image", imageField)], required: ["image"]),
                        responses: [
                            (
                                "200",
                                reply(
                                    "Faces, largest first",
                                    object([
                                        ("width", schema("integer")), ("height", schema("integer")),
                                        ("faces", array(ref("DescribedFace"))), ("timing_ms", ref("Timing")),
                                    ]))
                            ),
                            ("400", errorReply([.invalidJSON, .invalidMultipart, .missingField])),
                        ] + overloaded)
                )
            ])
        ),
        (
            "/api/v1/subjects",
            .object([
                (
                    "get",
                    operation(
                        "listSubjects", "Subjects by name, a page at a time", security: .read,
                        parameters: [
                            queryParameter("offset", "integer", "Subjects to skip (default 0)."),
                            queryParameter("limit", "integer", "Subjects per page, 1–1000 (default 100)."),
                        ],
                        responses: [
                            (
                                "200",
                                reply(
                                    "A page of subjects",
                                    object([
                                        ("subjects", array(ref("Subject"))), ("total", schema("integer")),
                                        ("offset", schema("integer")), ("limit", schema("integer")),
                                    ]))
                            ),
                            ("400", errorReply([.invalidArgument])),
                        ])
                ),
                (
                    "post",
                    operation(
                        "createSubject", "Create a subject", security: .admin,
                        body: .object([
                            ("required", .bool(true)),
                            (
                                "content",
                                jsonContent(
                                    object(
                                        [("name", schema("string")), ("metadata", schema("object"))], required: ["name"]
                                    ))
                            ),
                        ]),
                        responses: [
                            ("201", reply("The new subject", ref("Subject"))),
                            ("400", errorReply([.invalidJSON, .missingField, .invalidArgument])),
                            ("409", errorReply([.subjectExists])),
                            ("415", errorReply([.unsupportedMediaType])),
                        ])
                ),
            ])
        ),
        (
            "/api/v1/subjects/{name}",
            .object([
                (
                    "get",
                    operation(
                        "getSubject", "One subject", security: .read, parameters: [nameParameter],
                        responses: [
                            ("200", reply("The subject", ref("Subject"))), ("404", errorReply([.subjectNotFound])),
                        ])
                ),
                (
                    "patch",
                    operation(
                        "updateSubject",
                        "Rename ({\"name\"}), merge into another subject ({\"merge_into\"}) or replace metadata ({\"metadata\"})",
                        security: .admin, parameters: [nameParameter],
                        body: .object([
                            ("required", .bool(true)),
                            (
                                "content",
                                jsonContent(
                                    object([
                                        ("name", schema("string")), ("merge_into", schema("string")),
                                        ("metadata", schema("object")),
                                    ]))
                            ),
                        ]),
                        responses: [
                            ("200", reply("The subject after the change (the target after a merge)", ref("Subject"))),
                            ("400", errorReply([.invalidJSON, .missingField, .invalidArgument])),
                            ("404", errorReply([.subjectNotFound])), ("409", errorReply([.subjectExists])),
                            ("415", errorReply([.unsupportedMediaType])),
                        ])
                ),
                (
                    "delete",
                    operation(
                        "deleteSubject", "Delete a subject and its faces", security: .admin,
                        parameters: [nameParameter],
                        responses: [
                            (
                                "200",
                                reply(
                                    "What was deleted",
                                    object([("deleted", schema("string")), ("faces_deleted", schema("integer"))]))
                            ),
                            ("404", errorReply([.subjectNotFound])),
                        ])
                ),
            ])
        ),
        (
            "/api/v1/subjects/{name}/faces",
            .object([
                (
                    "get",
                    operation(
                        "listFaces", "A subject's faces, oldest first", security: .read, parameters: [nameParameter],
                        responses: [
                            (
                                "200",
                                reply(
                                    "The faces",
                                    object([("subject", schema("string")), ("faces", array(ref("StoredFace")))]))
                            ),
                            ("404", errorReply([.subjectNotFound])),
                        ])
                ),
                (
                    "post",
                    operation(
                        "enrollFaces", "Enrol one face per image (the subject is created when missing)",
                        security: .admin,
                        parameters: [
                            nameParameter,
                            queryParameter(
                                "allow_several_faces", "boolean",
                                "Enrol the largest face of a photo showing several (default false)."),
                        ],
                        body: .object([
                            ("required", .bool(true)),
                            (
                                "content",
                                .object([
                                    (
                                        "multipart/form-data",
                                        .object([
                                            (
                                                "schema",
                                                object([
                                                    ("image", array(schema("string", [("format", .string("binary"))])))
                                                ])
                                            )
                                        ])
                                    ),
                                    (
                                        "application/json",
                                        .object([
                                            (
                                                "schema",
                                                object(
                                                    [
                                                        (
                                                            "images",
                                                            array(
                                                                schema(
                                                                    "string", [("contentEncoding", .string("base64"))]))
                                                        )
                                                    ], required: ["images"])
                                            )
                                        ])
                                    ),
                                ])
                            ),
                        ]),
                        responses: [
                            (
                                "201",
                                reply(
                                    "At least one image enrolled; each result holds a face or an error",
                                    ref("EnrolmentResults"))
                            ),
                            ("422", reply("No image enrolled", ref("EnrolmentResults"))),
                            ("400", errorReply([.invalidJSON, .invalidMultipart, .missingField, .invalidArgument])),
                        ] + overloaded)
                ),
            ])
        ),
        (
            "/api/v1/faces/{id}",
            .object([
                (
                    "delete",
                    operation(
                        "deleteFace", "Delete one face", security: .admin,
                        parameters: [
                            .object([
                                ("name", .string("id")), ("in", .string("path")), ("required", .bool(true)),
                                ("schema", schema("integer")),
                            ])
                        ],
                        responses: [
                            ("200", reply("The deleted face's id", object([("deleted", schema("integer"))]))),
                            ("400", errorReply([.invalidArgument])), ("404", errorReply([.faceNotFound])),
                        ])
                )
            ])
        ),
    ]
}

extension JSONValue {
    /// Marks a field of ``OpenAPIDocument``'s image bodies as an image.
    fileprivate var isBinaryImage: Bool {
        if case .string("binary-image") = self { return true }
        return false
    }
}
