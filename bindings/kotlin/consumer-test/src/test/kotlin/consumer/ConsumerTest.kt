package consumer

import dev.chek.ChekException
import dev.chek.ScanOptions
import dev.chek.parseQr
import dev.chek.qrReceiptId
import dev.chek.scanLumaAsync
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

class ConsumerTest {
    @Test
    fun `the native library comes from the jar, with no library path set`() {
        assertNull(System.getProperty("jna.library.path"), "this test must run without jna.library.path")
        val qr = parseQr("t=20171219T155200&s=1286.00&fn=8710000100022003&i=54813&fp=3906717812&n=1")
        assertEquals(128_600L, qr.totalKopecks)
        assertEquals("8710000100022003:54813:3906717812", qrReceiptId(qr))
        // JNA extracted the library from the class path resource linux-x86-64/libchek_ffi.so.
        val res = ConsumerTest::class.java.classLoader.getResource("linux-x86-64/libchek_ffi.so")
        assertTrue(res != null && res.protocol == "jar", "resource: $res")
    }

    @Test
    fun `errors cross the boundary as typed exceptions`() {
        val e = assertThrows<ChekException.Qr> { parseQr("not a receipt") }
        // The base class carries the code, whatever the area.
        assertEquals("qr.not_fiscal", (e as ChekException).code())
    }

    @Test
    fun `suspend calls and java-time values work with only the artifact's own dependencies`() {
        // kotlinx-coroutines comes with dev.chek:chek-kotlin: this project does not declare it.
        val out = runBlocking { scanLumaAsync(ByteArray(50 * 50), 50, 50, ScanOptions()) }
        assertEquals("scan.image_too_small", out.diagnostics.single().code)
        val qr = parseQr("t=20171219T155200&s=1286.00&fn=8710000100022003&i=54813&fp=3906717812&n=1")
        assertEquals(java.time.LocalDateTime.of(2017, 12, 19, 15, 52), qr.datetime)
    }
}
