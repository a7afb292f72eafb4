import FaceImage
import Testing

/// Bilinear resizing, affine warping and the affine transform type.
@Suite struct ImageTransformTests {
    /// A one-row image of grey levels.
    static func greyRow(_ levels: [UInt8]) -> Image {
        Image(width: levels.count, height: 1, pixels: levels.flatMap { [$0, $0, $0] })
    }

    static func greyLevels(_ image: Image) -> [UInt8] {
        stride(from: 0, to: image.pixels.count, by: 3).map { image.pixels[$0] }
    }

    // MARK: - Resize

    @Test func enlargingInterpolatesBetweenPixelCentres() {
        // Output centres 0.5, 1.5, 2.5, 3.5 sit at source positions -0.25 (clamped to 0), 0.25, 0.75, 1.25 (→ 1).
        let resized = Self.greyRow([0, 100]).resized(width: 4, height: 1)
        #expect(Self.greyLevels(resized) == [0, 25, 75, 100])
    }

    @Test func halvingAveragesPairs() {
        // Output centres land at source positions 0.5 and 2.5: halfway between pixel pairs.
        let resized = Self.greyRow([10, 20, 100, 201]).resized(width: 2, height: 1)
        #expect(Self.greyLevels(resized) == [15, 151])  // 150.5 rounds up.
    }

    @Test func resizingInTwoDimensions() {
        // 2 × 2 → 3 × 3: output centres at source positions -1/6 → 0, 0.5, 7/6 → 1 on both axes.
        let image = Image(width: 2, height: 2, pixels: [0, 0, 0, 60, 0, 0, 120, 0, 0, 240, 30, 90])
        let resized = image.resized(width: 3, height: 3)
        #expect(resized.width == 3 && resized.height == 3)
        #expect(resized[0, 0] == (0, 0, 0))
        #expect(resized[1, 0] == (30, 0, 0))
        #expect(resized[2, 0] == (60, 0, 0))
        #expect(resized[0, 1] == (60, 0, 0))
        #expect(resized[1, 1] == (105, 8, 23))  // Mean of the four: (420, 30, 90) / 4 = (105, 7.5, 22.5).
        #expect(resized[2, 2] == (240, 30, 90))
    }

    @Test func resizingToTheSameSizeIsExact() {
        let image = TestImages.textured(width: 17, height: 9)
        #expect(image.resized(width: 17, height: 9) == image)
    }

    @Test func resizingAFlatImageKeepsItsColour() {
        let image = Image(width: 31, height: 17, filledWith: (12, 200, 99))
        #expect(image.resized(width: 7, height: 40) == Image(width: 7, height: 40, filledWith: (12, 200, 99)))
    }

    // MARK: - Warp

    @Test func identityWarpIsExact() {
        let image = TestImages.textured(width: 23, height: 15)
        let warped = image.warpedAffine(outputWidth: 23, outputHeight: 15, transform: .identity)
        #expect(warped == image)
    }

    @Test func integerTranslationShiftsAndFillsBlack() {
        let image = TestImages.textured(width: 20, height: 10)
        // Output (x, y) reads source (x + 3, y - 2).
        let warped = image.warpedAffine(outputWidth: 20, outputHeight: 10, transform: .translation(x: 3, y: -2))
        for y in 0..<10 {
            for x in 0..<20 {
                let sourceX = x + 3
                let sourceY = y - 2
                let inside = sourceX < 20 && sourceY >= 0
                #expect(warped[x, y] == (inside ? image[sourceX, sourceY] : (0, 0, 0)), "(\(x), \(y))")
            }
        }
    }

    @Test func halfPixelTranslationAverages() {
        let warped = Self.greyRow([0, 100, 200]).warpedAffine(
            outputWidth: 3, outputHeight: 1, transform: .translation(x: 0.5, y: 0))
        #expect(Self.greyLevels(warped) == [50, 150, 0])  // The last sample, at 2.5, is outside.
    }

    @Test func rotationByNinetyDegreesIsExact() {
        let image = TestImages.textured(width: 12, height: 7)
        // Output is 7 × 12; output (x, y) reads source (y, 6 − x): the source turned 90° clockwise.
        let transform = AffineTransform2D(a: 0, b: 1, c: 0, d: -1, e: 0, f: 6)
        let warped = image.warpedAffine(outputWidth: 7, outputHeight: 12, transform: transform)
        for y in 0..<12 {
            for x in 0..<7 {
                #expect(warped[x, y] == image[y, 6 - x])
            }
        }
    }

    @Test func rotationHelperMatchesNinetyDegrees() {
        let rotation = AffineTransform2D.rotation(radians: .pi / 2)
        let point = rotation.apply(to: (x: 1, y: 0))
        #expect(abs(point.x) < 1e-12 && abs(point.y - 1) < 1e-12)  // x axis turns onto y axis (down on screen).
    }

    @Test func warpOutsideTheImageIsBlack() {
        let image = Image(width: 4, height: 4, filledWith: (255, 255, 255))
        let warped = image.warpedAffine(outputWidth: 3, outputHeight: 3, transform: .translation(x: 100, y: -100))
        #expect(warped == Image(width: 3, height: 3))
    }

    @Test func warpWithNaNTransformIsBlack() {
        let image = Image(width: 4, height: 4, filledWith: (255, 255, 255))
        let transform = AffineTransform2D(a: .nan, b: 0, c: 0, d: 0, e: 1, f: 0)
        #expect(image.warpedAffine(outputWidth: 2, outputHeight: 2, transform: transform) == Image(width: 2, height: 2))
    }

    // MARK: - Affine transforms

    @Test func invertedUndoesTheMap() throws {
        let transform = AffineTransform2D(a: 1.5, b: -0.4, c: 12, d: 0.3, e: 0.9, f: -7)
        let inverse = try #require(transform.inverted())
        for point in [(x: 0.0, y: 0.0), (x: 10.0, y: -3.0), (x: 150.0, y: 75.5)] {
            let back = inverse.apply(to: transform.apply(to: point))
            #expect(abs(back.x - point.x) < 1e-9 && abs(back.y - point.y) < 1e-9)
        }
        let composed = transform.followed(by: inverse)
        #expect(abs(composed.a - 1) < 1e-12 && abs(composed.b) < 1e-12 && abs(composed.c) < 1e-9)
        #expect(abs(composed.d) < 1e-12 && abs(composed.e - 1) < 1e-12 && abs(composed.f) < 1e-9)
    }

    @Test func singularTransformHasNoInverse() {
        #expect(AffineTransform2D(a: 1, b: 2, c: 3, d: 2, e: 4, f: 5).inverted() == nil)
        #expect(AffineTransform2D.scaling(x: 0, y: 1).inverted() == nil)
    }

    @Test func followedByAppliesInOrder() {
        let scaleThenMove = AffineTransform2D.scaling(x: 2, y: 3).followed(by: .translation(x: 1, y: -1))
        let point = scaleThenMove.apply(to: (x: 5, y: 7))
        #expect(point.x == 11 && point.y == 20)
    }

    // MARK: - Image basics

    @Test func subscriptReadsInterleavedRGB() {
        let image = Image(width: 2, height: 2, pixels: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        #expect(image[1, 0] == (4, 5, 6))
        #expect(image[0, 1] == (7, 8, 9))
    }
}
