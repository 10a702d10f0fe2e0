package dev.chek

import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File

/** `suspend` scans: the work runs off the caller's thread, the coroutine suspends meanwhile. */
class AsyncTest {
    private val rows = File(TestData.photos, "manifest.tsv").readLines().drop(1).map { it.split("\t") }
    private val clean = rows.first { it[2] == "clean" }
    private val photo = File(TestData.photos, clean[0]).readBytes()

    @Test
    fun `a suspend scan in runBlocking reads the fiscal QR like the blocking one`() {
        val out = runBlocking { scanAsync(photo, ScanOptions(), Lang.EN) }
        assertEquals(parseQr(clean[1]), out.fiscal)
        assertEquals(scan(photo, ScanOptions(), Lang.EN), out)
        val frame = runBlocking { scanLumaAsync(ByteArray(50 * 50), 50, 50, ScanOptions()) }
        assertEquals("scan.image_too_small", frame.diagnostics.single().code)
    }

    @Test
    fun `the caller's thread stays free while a photo is scanned`() {
        // runBlocking runs every coroutine here on this one thread. A scan computed inside the
        // call would hold it until done, and the ticker would start only after it; a scan off
        // the thread lets the ticker run while it works.
        var ticks = 0
        val out = runBlocking {
            val scanning = async { scanAsync(photo, ScanOptions()) }
            launch {
                while (!scanning.isCompleted) {
                    ticks++
                    delay(1)
                }
            }
            scanning.await()
        }
        assertEquals(parseQr(clean[1]), out.fiscal)
        assertTrue(ticks > 0, "the thread was blocked during the scan")
    }

    @Test
    fun `several suspend scans at once, and errors arrive as exceptions`() {
        val readable = rows.filter { it[2] == "clean" }.take(4)
        val results = runBlocking {
            readable.map { r -> async { scanAsync(File(TestData.photos, r[0]).readBytes(), ScanOptions()) } }.awaitAll()
        }
        assertEquals(readable.map { parseQr(it[1]) }, results.map { it.fiscal })

        val e = assertThrows<ChekException.Scan> { runBlocking { scanAsync("GIF89a".toByteArray(), ScanOptions(), Lang.EN) } }
        assertEquals("scan.unsupported_format", e.code())
        assertEquals("input.bad_frame", assertThrows<ChekException.Input> { runBlocking { scanLumaAsync(ByteArray(10), 50, 50, ScanOptions()) } }.code)
    }
}
