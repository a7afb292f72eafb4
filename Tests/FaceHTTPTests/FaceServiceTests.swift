import FaceCore
import FaceHTTP
import FaceTestSupport
import Foundation
import Testing

/// Every route called in-process, through the same router and handlers the server uses, with the real
/// models and a real SQLite gallery.
@Suite struct FaceServiceTests {
    typealias Multipart = HTTPTestSupport.Multipart

    @Test func verifyTellsSamePersonFromDifferentPeople() throws {
        let fixture = try HTTPTestSupport.Fixture()
        let obama = try HTTPTestSupport.obama.get()
        let obama2 = try HTTPTestSupport.obama2.get()
        let biden = try HTTPTestSupport.biden.get()

        let same = fixture.send(
            "POST", "/api/v1/verify", form: Multipart().file("image1", obama).file("image2", obama2).finished())
        #expect(same.status == 200, "\(same.text)")
        #expect(same.json["same_person"] as? Bool == true)
        let distance = try #require((same.json["distance"] as? NSNumber)?.doubleValue)
        #expect(distance < 0.6)
        #expect((same.json["threshold"] as? NSNumber)?.doubleValue == 0.6)
        let faces = try #require(same.json["faces"] as? [String: [String: Any]])
        #expect((faces["image1"]?["landmarks"] as? [[Double]])?.count == 5)
        #expect(faces["image2"]?["box"] is [String: Any])
        #expect((same.json["faces_found"] as? [String: Int]) == ["image1": 1, "image2": 1])
        let timing = try #require(same.json["timing_ms"] as? [String: Double])
        #expect(Set(timing.keys) == ["decode", "detect", "embed", "total"])
        #expect(timing["total"]! >= timing["detect"]!)

        // JSON with base64 images, and a threshold in the query.
        let json =
            "{\"image1\": \"\(Data(obama).base64EncodedString())\", \"image2\": \"data:image/jpeg;base64,\(Data(biden).base64EncodedString())\"}"
        let different = fixture.send("POST", "/api/v1/verify?threshold=0.5", json: json)
        #expect(different.status == 200, "\(different.text)")
        #expect(different.json["same_person"] as? Bool == false)
        #expect((different.json["threshold"] as? NSNumber)?.doubleValue == 0.5)
    }

    @Test func verifyRefusesMissingAndFacelessImages() throws {
        let fixture = try HTTPTestSupport.Fixture()
        let obama = try HTTPTestSupport.obama.get()
        let missing = fixture.send("POST", "/api/v1/verify", form: Multipart().file("image1", obama).finished())
        #expect(missing.status == 400 && missing.errorCode == "MISSING_FIELD")
        let faceless = fixture.send(
            "POST", "/api/v1/verify",
            form: Multipart().file("image1", obama).file("image2", HTTPTestSupport.blank, type: "image/png").finished())
        #expect(faceless.status == 422 && faceless.errorCode == "NO_FACE")
        let badThreshold = fixture.send(
            "POST", "/api/v1/verify",
            form: Multipart().file("image1", obama).file("image2", obama).field("threshold", "-1").finished())
        #expect(badThreshold.status == 400 && badThreshold.errorCode == "INVALID_ARGUMENT")
        let notImage = fixture.send(
            "POST", "/api/v1/verify",
            form: Multipart().file("image1", Array("hello".utf8)).file("image2", obama).finished())
        #expect(notImage.status == 415 && notImage.errorCode == "UNSUPPORTED_IMAGE")
        #expect(notImage.text.contains("image1"))
    }

    @Test func detectAndEmbedDescribeEveryFace() throws {
        let fixture = try HTTPTestSupport.Fixture()
        let obama = try HTTPTestSupport.obama.get()
        let detected = fixture.send("POST", "/api/v1/detect", form: Multipart().file("image", obama).finished())
        #expect(detected.status == 200, "\(detected.text)")
        #expect(detected.json["width"] as? Int == 455 && detected.json["height"] as? Int == 568)
        let faces = try #require(detected.json["faces"] as? [[String: Any]])
        #expect(faces.count == 1)
        #expect(faces[0]["descriptor"] == nil)
        // Published box for obama.jpg: (top, right, bottom, left) ≈ (144, 608, 389, 363), here at half size.
        let box = try #require(faces[0]["box"] as? [String: Double])
        #expect(abs(box["x"]! - 363 / 2) < 15 && abs(box["y"]! - 144 / 2) < 15, "\(box)")

        let embedded = fixture.send(
            "POST", "/api/v1/embed", json: "{\"image\": \"\(Data(obama).base64EncodedString())\"}")
        #expect(embedded.status == 200, "\(embedded.text)")
        let descriptor = try #require(((embedded.json["faces"] as? [[String: Any]])?.first?["descriptor"]) as? [Double])
        #expect(descriptor.count == 128)

        let blank = fixture.send(
            "POST", "/api/v1/detect",
            form: Multipart().file("image", HTTPTestSupport.blank, type: "image/png").finished())
        #expect(blank.status == 200 && (blank.json["faces"] as? [Any])?.isEmpty == true)
    }

    @Test func enrolmentThenIdentification() throws {
        let fixture = try HTTPTestSupport.Fixture()
        let obama = try HTTPTestSupport.obama.get()
        let obama2 = try HTTPTestSupport.obama2.get()
        let biden = try HTTPTestSupport.biden.get()

        let enrolled = fixture.send(
            "POST", "/api/v1/subjects/Barack%20Obama/faces",
            form: Multipart().file("image", obama, filename: "a.jpg").file(
                "image", HTTPTestSupport.blank, filename: "blank.png"
            ).finished())
        #expect(enrolled.status == 201, "\(enrolled.text)")
        #expect(enrolled.json["subject"] as? String == "Barack Obama")
        let results = try #require(enrolled.json["results"] as? [[String: Any]])
        #expect(results.count == 2)
        #expect(results[0]["filename"] as? String == "a.jpg" && (results[0]["face"] as? [String: Any])?["id"] is Int)
        #expect((results[1]["error"] as? [String: Any])?["code"] as? String == "NO_FACE")

        let json = "{\"images\": [\"\(Data(biden).base64EncodedString())\"]}"
        #expect(fixture.send("POST", "/api/v1/subjects/Joe%20Biden/faces", json: json).status == 201)
        let none = fixture.send(
            "POST", "/api/v1/subjects/Nobody/faces", form: Multipart().file("image", HTTPTestSupport.blank).finished())
        #expect(none.status == 422)
        #expect(fixture.send("GET", "/api/v1/subjects/Nobody").errorCode == "SUBJECT_NOT_FOUND")

        let identified = fixture.send(
            "POST", "/api/v1/identify", form: Multipart().file("image", obama2).field("top", "2").finished())
        #expect(identified.status == 200, "\(identified.text)")
        let face = try #require((identified.json["faces"] as? [[String: Any]])?.first)
        let candidates = try #require(face["candidates"] as? [[String: Any]])
        #expect(candidates.map { $0["subject"] as? String } == ["Barack Obama", "Joe Biden"])
        #expect(face["unknown"] as? Bool == false)
        #expect((identified.json["timing_ms"] as? [String: Any])?["search"] != nil)

        let strict = fixture.send(
            "POST", "/api/v1/identify?threshold=0.05&top=1", form: Multipart().file("image", obama2).finished())
        let strictFace = try #require((strict.json["faces"] as? [[String: Any]])?.first)
        #expect(strictFace["unknown"] as? Bool == true && (strictFace["candidates"] as? [Any])?.count == 1)
        #expect(
            fixture.send("POST", "/api/v1/identify?top=0", form: Multipart().file("image", obama2).finished()).errorCode
                == "INVALID_ARGUMENT")
    }

    @Test func photosOfSeveralPeopleNeedPermissionToEnrol() throws {
        let fixture = try HTTPTestSupport.Fixture()
        let group = try HTTPTestSupport.twoPeople.get()
        let obama2 = try HTTPTestSupport.obama2.get()
        let refused = fixture.send(
            "POST", "/api/v1/subjects/Obama/faces", form: Multipart().file("image", group).finished())
        #expect(refused.status == 422)
        let error = (refused.json["results"] as? [[String: Any]])?.first?["error"] as? [String: Any]
        #expect(error?["code"] as? String == "MULTIPLE_FACES", "\(refused.text)")
        let allowed = fixture.send(
            "POST", "/api/v1/subjects/Obama/faces?allow_several_faces=true",
            form: Multipart().file("image", group).finished())
        #expect(allowed.status == 201, "\(allowed.text)")

        // Verify compares the largest faces and reports how many each photo showed; identify answers per face.
        let verdict = fixture.send(
            "POST", "/api/v1/verify", form: Multipart().file("image1", group).file("image2", obama2).finished())
        #expect((verdict.json["faces_found"] as? [String: Int]) == ["image1": 2, "image2": 1], "\(verdict.text)")
        let identified = fixture.send("POST", "/api/v1/identify", form: Multipart().file("image", group).finished())
        let faces = try #require(identified.json["faces"] as? [[String: Any]])
        #expect(faces.count == 2)
        #expect(faces.map { $0["unknown"] as? Bool } == [false, true], "\(identified.text)")
    }

    @Test func requestsPastTheirDeadlineAreRefused() throws {
        let fixture = try HTTPTestSupport.Fixture(.init(requestDeadline: .nanoseconds(1)))
        let late = fixture.send(
            "POST", "/api/v1/detect", form: Multipart().file("image", try HTTPTestSupport.obama.get()).finished())
        #expect(late.status == 504 && late.errorCode == "DEADLINE_EXCEEDED", "\(late.text)")
        #expect(fixture.send("GET", "/health").status == 200)
    }

    @Test func subjectsAreCreatedListedRenamedMergedAndDeleted() throws {
        let fixture = try HTTPTestSupport.Fixture()
        let created = fixture.send(
            "POST", "/api/v1/subjects", json: "{\"name\": \"Ana/Lima\", \"metadata\": {\"team\": \"blue\"}}")
        #expect(created.status == 201, "\(created.text)")
        #expect(created.json["name"] as? String == "Ana/Lima" && created.json["faces"] as? Int == 0)
        #expect((created.json["metadata"] as? [String: String]) == ["team": "blue"])
        #expect((created.json["created"] as? String)?.hasSuffix("Z") == true)
        #expect(
            fixture.send("POST", "/api/v1/subjects", json: "{\"name\": \"Ana/Lima\"}").errorCode == "SUBJECT_EXISTS")
        #expect(fixture.send("POST", "/api/v1/subjects", json: "{\"name\": \"\"}").errorCode == "INVALID_ARGUMENT")
        #expect(fixture.send("POST", "/api/v1/subjects", json: "{\"metadata\": {}}").errorCode == "MISSING_FIELD")
        #expect(
            fixture.send("POST", "/api/v1/subjects", json: "{\"name\": \"x\", \"metadata\": [1]}").errorCode
                == "INVALID_ARGUMENT")
        #expect(fixture.send("POST", "/api/v1/subjects", json: "{\"name\": ").errorCode == "INVALID_JSON")
        let wrongType = fixture.send(
            "POST", "/api/v1/subjects", headers: ["Content-Type": "text/plain"], body: Array("name".utf8))
        #expect(wrongType.status == 415 && wrongType.errorCode == "UNSUPPORTED_MEDIA_TYPE")
        for name in ["Bea", "Caio", "Davi"] {
            #expect(fixture.send("POST", "/api/v1/subjects", json: "{\"name\": \"\(name)\"}").status == 201)
        }

        let page = fixture.send("GET", "/api/v1/subjects?offset=1&limit=2")
        #expect(page.json["total"] as? Int == 4 && page.json["offset"] as? Int == 1 && page.json["limit"] as? Int == 2)
        #expect((page.json["subjects"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Bea", "Caio"])
        #expect(fixture.send("GET", "/api/v1/subjects?limit=0").errorCode == "INVALID_ARGUMENT")

        // Names in paths are percent-encoded UTF-8; an encoded slash stays part of the name.
        #expect(fixture.send("GET", "/api/v1/subjects/Ana%2FLima").json["name"] as? String == "Ana/Lima")
        #expect(fixture.send("GET", "/api/v1/subjects/%FF").errorCode == "BAD_REQUEST")
        let renamed = fixture.send("PATCH", "/api/v1/subjects/Ana%2FLima", json: "{\"name\": \"Ana Lima\"}")
        #expect(renamed.status == 200 && renamed.json["name"] as? String == "Ana Lima", "\(renamed.text)")
        #expect(
            fixture.send("PATCH", "/api/v1/subjects/Bea", json: "{\"name\": \"Caio\"}").errorCode == "SUBJECT_EXISTS")
        let described = fixture.send("PATCH", "/api/v1/subjects/Bea", json: "{\"metadata\": {\"role\": \"guest\"}}")
        #expect((described.json["metadata"] as? [String: String]) == ["role": "guest"])
        #expect(fixture.send("PATCH", "/api/v1/subjects/Bea", json: "{}").errorCode == "MISSING_FIELD")
        #expect(
            fixture.send("PATCH", "/api/v1/subjects/Bea", json: "{\"merge_into\": \"Caio\", \"name\": \"Z\"}").errorCode
                == "INVALID_ARGUMENT")
        let merged = fixture.send("PATCH", "/api/v1/subjects/Bea", json: "{\"merge_into\": \"Caio\"}")
        #expect(merged.status == 200 && merged.json["name"] as? String == "Caio")
        #expect(fixture.send("GET", "/api/v1/subjects/Bea").status == 404)
        #expect(
            fixture.send("PATCH", "/api/v1/subjects/Nobody", json: "{\"name\": \"Q\"}").errorCode == "SUBJECT_NOT_FOUND"
        )

        let deleted = fixture.send("DELETE", "/api/v1/subjects/Davi")
        #expect(
            deleted.status == 200 && deleted.json["deleted"] as? String == "Davi"
                && deleted.json["faces_deleted"] as? Int == 0)
        #expect(fixture.send("DELETE", "/api/v1/subjects/Davi").errorCode == "SUBJECT_NOT_FOUND")
    }

    @Test func facesAreListedAndDeleted() throws {
        let fixture = try HTTPTestSupport.Fixture()
        let obama = try HTTPTestSupport.obama.get()
        let enrolled = fixture.send(
            "POST", "/api/v1/subjects/Obama/faces", form: Multipart().file("image", obama).finished())
        let id = try #require(
            ((enrolled.json["results"] as? [[String: Any]])?.first?["face"] as? [String: Any])?["id"] as? Int)

        let listed = fixture.send("GET", "/api/v1/subjects/Obama/faces")
        #expect(listed.status == 200 && listed.json["subject"] as? String == "Obama")
        let face = try #require((listed.json["faces"] as? [[String: Any]])?.first)
        #expect(face["id"] as? Int == id)
        #expect((face["photo_sha256"] as? String) == SHA256.hexDigest(obama))
        #expect(face["box"] is [String: Any] && face["created"] is String && face["confidence"] is NSNumber)
        #expect(fixture.send("GET", "/api/v1/subjects/Nobody/faces").errorCode == "SUBJECT_NOT_FOUND")

        #expect(fixture.send("DELETE", "/api/v1/faces/\(id)").json["deleted"] as? Int == id)
        #expect(fixture.send("DELETE", "/api/v1/faces/\(id)").errorCode == "FACE_NOT_FOUND")
        #expect(fixture.send("DELETE", "/api/v1/faces/abc").errorCode == "INVALID_ARGUMENT")
        #expect((fixture.send("GET", "/api/v1/subjects/Obama").json["faces"] as? Int) == 0)
    }

    @Test func unknownRoutesAndMethodsAreTypedErrors() throws {
        let fixture = try HTTPTestSupport.Fixture()
        let unknown = fixture.send("GET", "/api/v2/verify")
        #expect(unknown.status == 404 && unknown.errorCode == "NOT_FOUND")
        let method = fixture.send("GET", "/api/v1/verify")
        #expect(method.status == 405 && method.errorCode == "METHOD_NOT_ALLOWED" && method.headers["allow"] == "POST")
        let subjectMethods = fixture.send("PUT", "/api/v1/subjects/Ana")
        #expect(subjectMethods.headers["allow"] == "GET, PATCH, DELETE")
        let page = fixture.send("GET", "/")
        #expect(page.status == 200 && page.headers["content-type"]?.hasPrefix("text/html") == true)
    }

    @Test func hugeDeclaredImagesAreRefusedBeforeDecoding() throws {
        let fixture = try HTTPTestSupport.Fixture()
        let bomb = fixture.send(
            "POST", "/api/v1/detect",
            form: Multipart().file("image", TinyPNG.declaring(width: 100_000, height: 100_000), type: "image/png")
                .finished())
        #expect(bomb.status == 413 && bomb.errorCode == "IMAGE_TOO_LARGE", "\(bomb.text)")
        let small = try HTTPTestSupport.Fixture(.init(maxPixels: 1000))
        let obama = try HTTPTestSupport.obama.get()
        #expect(
            small.send("POST", "/api/v1/detect", form: Multipart().file("image", obama).finished()).errorCode
                == "IMAGE_TOO_LARGE")
    }

    @Test func healthAndMetrics() throws {
        let fixture = try HTTPTestSupport.Fixture()
        for path in ["/health", "/api/v1/health"] {
            let health = fixture.send("GET", path)
            #expect(
                health.status == 200 && health.json["status"] as? String == "ok"
                    && health.json["models_loaded"] as? Bool == true)
            let gallery = try #require(health.json["gallery"] as? [String: Any])
            #expect(gallery["reachable"] as? Bool == true && gallery["subjects"] as? Int == 0)
            #expect((gallery["location"] as? String)?.hasPrefix("sqlite:") == true)
        }
        _ = fixture.send("GET", "/api/v1/subjects/Nobody")
        let metrics = fixture.send("GET", "/metrics")
        #expect(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(
            metrics.text.contains(
                "facekit_http_requests_total{route=\"/api/v1/subjects/{name}\",method=\"GET\",status=\"404\"} 1"))
        #expect(
            metrics.text.contains(
                "facekit_http_request_duration_seconds_bucket{route=\"/health\",method=\"GET\",status=\"200\",le=\"+Inf\"} 1"
            ))
        #expect(metrics.text.contains("facekit_gallery_subjects 0"))
        #expect(fixture.send("GET", "/api/v1/metrics").status == 200)

        // A closed gallery makes the service degraded, not crashed.
        fixture.store.close()
        let degraded = fixture.send("GET", "/health")
        #expect(degraded.status == 503 && degraded.json["status"] as? String == "degraded")
        #expect((degraded.json["gallery"] as? [String: Any])?["reachable"] as? Bool == false)
        #expect(fixture.send("GET", "/api/v1/subjects").errorCode == "GALLERY_UNAVAILABLE")
    }
}
