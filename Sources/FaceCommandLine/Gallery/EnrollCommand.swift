import FaceCore
import FaceGallery
import FaceImage
import FacePipeline
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `facekit enroll`: add people's photos to the gallery.
enum EnrollCommand {
    static let command = Command(
        name: "enroll",
        summary: "Add photos of a person (or a folder of people) to the gallery",
        help: """
            Usage: facekit enroll NAME PHOTO… [OPTIONS]
                   facekit enroll --from-dir DIR [OPTIONS]

            Finds the face in each photo and stores its descriptor under the subject NAME (created when
            missing). With --from-dir, every sub-folder of DIR is a person: its name is the subject's
            name and its .jpg/.jpeg/.png files are that person's photos.
            A photo with no face is skipped; so is a photo with several faces, unless --allow-several-faces
            (then the largest face is enrolled). Each photo is committed on its own, so an interrupted run
            keeps every photo it reported.

            Options:
              --from-dir DIR          Enrol one sub-folder per person.
              --allow-several-faces   Enrol the largest face of a photo that shows several.
              --metadata JSON         A JSON object to store with a new subject (NAME form only).
              --json                  One JSON line per photo: {"file", "subject", "face_id"} or
                                      {"file", "subject", "error": {"code", "message"}}.
            \(GalleryAccess.optionHelp)
            \(CommandSupport.detectionOptionsHelp)
            Exits 0 when every photo was enrolled (with --from-dir: when at least one was); otherwise with
            the first refusal's code: 3 unreadable photo, 4 no face, 9 several faces.
            """,
        run: run)

    private struct Job {
        let subject: String
        let path: String
    }

    static func run(_ arguments: [String]) throws(CommandLineError) -> ExitCode {
        let options = try Arguments(arguments, valueOptions: ["from-dir", "metadata", "gallery", "upsample", "min-confidence", "threads"],
                                    flagOptions: ["json", "allow-several-faces"])
        let jobs: [Job]
        if let folder = options.value("from-dir") {
            guard options.positional.isEmpty else { throw .usage("give either NAME PHOTO… or --from-dir DIR, not both") }
            guard options.value("metadata") == nil else { throw .usage("--metadata applies to the NAME PHOTO… form only") }
            jobs = try folderJobs(folder)
        } else {
            guard options.positional.count >= 2 else { throw .usage("give a subject name and at least one photo") }
            let name = options.positional[0]
            do { try Subject.validateName(name) } catch { throw .usage(error.message) }
            jobs = options.positional.dropFirst().map { Job(subject: name, path: $0) }
        }
        let settings = try CommandSupport.detectionSettings(options)
        let recognizer = try CommandSupport.loadRecognizer(threads: settings.threads)
        let store = try GalleryAccess.open(options)
        defer { store.close() }
        let gallery = Gallery(store: store)
        if let metadata = options.value("metadata") {
            try prepareSubject(options.positional[0], metadata: metadata, store: store)
        }

        let json = options.has("json")
        var enrolled = 0
        var skipped: [(path: String, reason: String, code: ExitCode)] = []
        var subjects = Set<String>()
        let progress = EnrolmentProgress(total: jobs.count, enabled: options.value("from-dir") != nil)
        // Photos go through the pipeline a few at a time so both cores stay busy; each is then
        // committed on its own.
        let batchSize = 8
        for batchStart in stride(from: 0, to: jobs.count, by: batchSize) {
            let batch = Array(jobs[batchStart..<min(batchStart + batchSize, jobs.count)])
            var photos: [(job: Job, image: Image, sha256: String)] = []
            for job in batch {
                do throws(CommandLineError) {
                    let photo = try GalleryAccess.loadPhoto(job.path)
                    photos.append((job, photo.image, photo.sha256))
                } catch {
                    skipped.append((job.path, error.message, error.exitCode))
                    report(job, error: ("UNREADABLE_IMAGE", error.message), json: json)
                }
            }
            let faces = recognizer.faces(inEach: photos.map(\.image), options: settings.detection)
            for (photo, found) in zip(photos, faces) {
                let candidates = found.map { GalleryAccess.newFace($0, photoSHA256: photo.sha256) }
                do {
                    let face = try gallery.enroll(photoFaces: candidates, subject: photo.job.subject,
                                                  allowSeveralFaces: options.has("allow-several-faces"))
                    enrolled += 1
                    subjects.insert(photo.job.subject)
                    report(photo.job, faceID: face.id, faceCount: found.count, json: json)
                } catch {
                    let failure = GalleryAccess.commandLineError(error)
                    guard [.noFace, .multipleFaces].contains(failure.exitCode) else { throw failure }
                    skipped.append((photo.job.path, failure.message, failure.exitCode))
                    report(photo.job, error: (error.code == .noFace ? "NO_FACE" : "MULTIPLE_FACES", failure.message), json: json)
                }
            }
            progress.advance(by: batch.count)
        }
        progress.finish()

        if !json {
            print("Enrolled \(enrolled) of \(jobs.count) photo\(jobs.count == 1 ? "" : "s") for \(subjects.count) subject\(subjects.count == 1 ? "" : "s") in \(store.location).")
            if !skipped.isEmpty {
                print("Skipped \(skipped.count):")
                for entry in skipped { print("  \(entry.path): \(entry.reason)") }
            }
        }
        if skipped.isEmpty || (options.value("from-dir") != nil && enrolled > 0) { return .success }
        return skipped[0].code
    }

    /// One job per photo in each sub-folder of `folder`, in name order.
    private static func folderJobs(_ folder: String) throws(CommandLineError) -> [Job] {
        let files = FileManager.default
        guard let people = try? files.contentsOfDirectory(atPath: folder) else {
            throw CommandLineError(.unreadableInput, "\(folder): cannot list the folder")
        }
        var jobs: [Job] = []
        for person in people.sorted() where !person.hasPrefix(".") {
            let personFolder = folder + "/" + person
            var isFolder: ObjCBool = false
            guard files.fileExists(atPath: personFolder, isDirectory: &isFolder), isFolder.boolValue else { continue }
            let photos = (try? files.contentsOfDirectory(atPath: personFolder)) ?? []
            for photo in photos.sorted() where ["jpg", "jpeg", "png"].contains((photo as NSString).pathExtension.lowercased()) {
                jobs.append(Job(subject: person, path: personFolder + "/" + photo))
            }
        }
        guard !jobs.isEmpty else {
            throw CommandLineError(.unreadableInput, "\(folder) has no sub-folders with .jpg, .jpeg or .png photos")
        }
        return jobs
    }

    private static func prepareSubject(_ name: String, metadata: String, store: any GalleryStore) throws(CommandLineError) {
        do {
            do {
                _ = try store.updateSubject(named: name, newName: nil, metadataJSON: metadata)
            } catch where error.code == .subjectNotFound {
                _ = try store.createSubject(named: name, metadataJSON: metadata)
            }
        } catch {
            throw GalleryAccess.commandLineError(error)
        }
    }

    private static func report(_ job: Job, faceID: Int64, faceCount: Int, json: Bool) {
        if json {
            print(JSONValue.object([("file", .string(job.path)), ("subject", .string(job.subject)), ("face_id", .integer(Int(faceID)))]).rendered(.spaced))
        } else {
            let note = faceCount > 1 ? " (the largest of \(faceCount) faces)" : ""
            print("enrolled \(job.subject): \(job.path) as face \(faceID)\(note)")
        }
        fflush(nil)  // a line printed means a committed face, even if the run is killed next
    }

    private static func report(_ job: Job, error: (code: String, message: String), json: Bool) {
        guard json else { return }  // the human summary lists skips at the end
        print(JSONValue.object([
            ("file", .string(job.path)), ("subject", .string(job.subject)),
            ("error", .object([("code", .string(error.code)), ("message", .string(error.message))])),
        ]).rendered(.spaced))
        fflush(nil)
    }
}

/// Progress of a bulk enrolment on stderr: a live line on a terminal, a line every few seconds otherwise.
final class EnrolmentProgress {
    private let total: Int
    private let enabled: Bool
    private let start = Date()
    private var done = 0
    private var lastPrinted = Date.distantPast
    private let isTerminal = isatty(2) == 1

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    func advance(by count: Int) {
        done += count
        guard enabled else { return }
        let now = Date()
        guard isTerminal || now.timeIntervalSince(lastPrinted) >= 5 || done == total else { return }
        lastPrinted = now
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        let line = "enrolling: \(done)/\(total) photos, \(String(format: "%.1f", rate)) photos/s, ETA \(Int(remaining.rounded())) s"
        FaceKitCommand.printError(isTerminal ? "\r" + line + "\u{1B}[K" : line, terminator: isTerminal ? "" : "\n")
    }

    func finish() {
        if enabled && isTerminal { FaceKitCommand.printError("") }
    }
}
