package dev.chek

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File

class ScanTest {
    private fun images(set: String): List<File> =
        File(TestData.shared, "corpus/qr-real/$set").listFiles()!!
            .filter { it.extension in setOf("png", "jpg", "webp") }
            .sortedBy { it.name }

    /** Real photos of printed (non-fiscal) QRs: read, reported as "not a receipt's QR". */
    @Test
    fun `real QR photos of the corpus are read and reported as not fiscal`() {
        var read = 0
        var total = 0
        for (set in listOf("qrcode-1", "zxing-qrcode-1")) {
            for (img in images(set)) {
                total++
                val expected = File(img.parentFile, img.nameWithoutExtension + ".txt").readText()
                val out = scan(img.readBytes(), ScanOptions(), Lang.EN)
                assertTrue(out.width > 0 && out.height > 0)
                if (out.others.isEmpty()) continue
                read++
                assertEquals(expected, out.others.first(), img.path)
                assertEquals(null, out.fiscal, img.path)
                assertEquals("scan.not_fiscal", out.diagnostics.first().code, img.path)
                assertFalse(TestData.isRussian(out.diagnostics.first().hint))
            }
        }
        assertEquals(28, total)
        // The Rust corpus test's floor for these two sets is 8 + 19.
        assertTrue(read >= 26, "read $read of $total")
    }

    /**
     * Synthetic receipt photos carry real fiscal QR strings from the shared fixtures; the
     * unreadable ones (made so on purpose) name the diagnostic they must raise.
     */
    @Test
    fun `receipt photos give the fiscal QR, unreadable ones a diagnostic in the chosen language`() {
        val rows = File(TestData.photos, "manifest.tsv").readLines().drop(1).map { it.split("\t") }
        val readable = rows.filter { it[1].isNotEmpty() }.take(20)
        val unreadable = rows.filter { it[1].isEmpty() }.take(8)
        assertEquals(20, readable.size)
        assertEquals(8, unreadable.size)
        var fiscal = 0
        for ((file, expected, kind) in readable) {
            val out = scan(File(TestData.photos, file).readBytes(), ScanOptions(), Lang.RU)
            val qr = out.fiscal
            if (qr == null) {
                assertTrue(kind != "clean", "a clean photo must read: $file")
                continue
            }
            fiscal++
            assertEquals(parseQr(expected), qr, file)
            assertEquals(expected, out.fiscalText, file)
            assertEquals(emptyList<Diagnostic>(), out.diagnostics, file)
            assertNotNull(out.pass, file)
        }
        // The damaged-but-readable kinds are hard on purpose: most, not all, must read.
        assertTrue(fiscal >= 16, "fiscal QR read on $fiscal of 20 photos")
        for (row in unreadable) {
            val out = scan(File(TestData.photos, row[0]).readBytes(), ScanOptions(), Lang.RU)
            assertEquals(null, out.fiscal, row[0])
            assertTrue(out.diagnostics.any { it.code == row[3] }, "${row[0]}: want ${row[3]}, got ${out.diagnostics}")
            assertTrue(out.diagnostics.all { TestData.isRussian(it.hint) }, row[0])
        }
    }

    @Test
    fun `a camera frame (luma plane) scans like the photo`() {
        val out = scanLuma(ByteArray(640 * 480) { 0x80.toByte() }, 640, 480, ScanOptions(), Lang.EN)
        assertEquals(640L, out.width)
        assertEquals("scan.no_qr", out.diagnostics.first().code)
        val small = scanLuma(ByteArray(50 * 50), 50, 50, defaultScanOptions())
        assertEquals("scan.image_too_small", small.diagnostics.single().code)
    }

    @Test
    fun `every scan error has its code`() {
        val png = File(images("zxing-qrcode-1").first { it.extension == "png" }.path).readBytes()
        fun code(bytes: ByteArray, opts: ScanOptions = ScanOptions()) =
            assertThrows<ChekException.Scan> { scan(bytes, opts, Lang.EN) }.code
        assertEquals("scan.empty", code(ByteArray(0)))
        assertEquals("scan.unsupported_format", code("GIF89a....".toByteArray()))
        assertEquals("scan.corrupt_image", code(png.copyOf(png.size / 3)))
        assertEquals("scan.too_large", code(png, ScanOptions(maxBytes = 1000)))
        assertEquals("scan.too_many_pixels", code(png, ScanOptions(maxPixels = 10_000)))
        val heic = assertThrows<ChekException.Scan> {
            scan(byteArrayOf(0, 0, 0, 0x18) + "ftypheic".toByteArray() + ByteArray(32), ScanOptions(), Lang.RU)
        }
        assertEquals("scan.unsupported_format", heic.code)
        assertTrue(heic.hint.contains("HEIC"), heic.hint)

        assertEquals("input.out_of_range", assertThrows<ChekException.Input> { scan(png, ScanOptions(budgetMs = -1)) }.code)
        assertEquals("input.bad_frame", assertThrows<ChekException.Input> { scanLuma(ByteArray(10), 50, 50, ScanOptions()) }.code)
        assertEquals("input.bad_frame", assertThrows<ChekException.Input> { scanLuma(ByteArray(0), -1, 0, ScanOptions()) }.code)
    }

    @Test
    fun `record defaults match the library's`() {
        assertEquals(defaultScanOptions(), ScanOptions())
    }
}
