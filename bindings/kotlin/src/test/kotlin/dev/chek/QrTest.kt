package dev.chek

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

class QrTest {
    @Test
    fun `every real fiscal QR of the fixtures parses and round-trips`() {
        val lines = TestData.qrStrings()
        assertTrue(lines.size >= 30, "fixtures: ${lines.size} lines")
        for (line in lines) {
            val qr = parseQr(line)
            assertEquals(16, qr.fnNumber.length, line)
            assertEquals(Operation.SALE, qr.operation, line)
            assertEquals(qr, parseQr(qrToString(qr)), line)
        }
    }

    @Test
    fun `fields, identity and canonical string`() {
        val qr = parseQr(TestData.QR)
        assertEquals("2017-12-19T15:52:00", qr.datetime)
        assertEquals(128_600L, qr.totalKopecks)
        assertEquals("8710000100022003", qr.fnNumber)
        assertEquals(54813L, qr.fd)
        assertEquals(3906717812L, qr.fp) // above Int.MAX_VALUE: why fd and fp are Long
        assertEquals("8710000100022003:54813:3906717812", qrReceiptId(qr))
        // The canonical form drops zero seconds, as registers print it.
        assertEquals(TestData.QR.replace("T155200", "T1552"), qrToString(qr))
    }

    private fun qrError(text: String, lang: Lang? = null): ChekException.Qr =
        assertThrows<ChekException.Qr> { parseQr(text, lang) }

    @Test
    fun `every QR error has its code and a hint in the chosen language`() {
        val cases = mapOf(
            "" to "qr.empty",
            "t=" + "1".repeat(5000) to "qr.too_long",
            "https://example.com/" to "qr.not_fiscal",
            "t=20240917T1801&s=1285.21" to "qr.missing_field",
            TestData.QR + "&s=1.00" to "qr.duplicate_field",
            TestData.QR.replace("s=1286.00", "s=12x6") to "qr.malformed_field",
            TestData.QR.replace("T155200", "T255200") to "qr.out_of_range",
        )
        for ((text, code) in cases) {
            val ru = qrError(text)
            val en = qrError(text, Lang.EN)
            assertEquals(code, ru.code, text)
            assertEquals(code, en.code, text)
            assertTrue(TestData.isRussian(ru.hint), "ru hint: ${ru.hint}")
            assertFalse(TestData.isRussian(en.hint), "en hint: ${en.hint}")
            assertTrue(en.detail.isNotEmpty())
            // Throwable.message carries all three fields for logs.
            assertTrue(en.message!!.contains(code), en.message)
        }
    }

    @Test
    fun `the sealed hierarchy can be matched exhaustively`() {
        val e: ChekException = assertThrows { parseQr("hello") }
        val area = when (e) {
            is ChekException.Qr -> "qr"
            is ChekException.Scan -> "scan"
            is ChekException.Text -> "text"
            is ChekException.Campaign -> "campaign"
            is ChekException.Loyalty -> "loyalty"
            is ChekException.Feedback -> "feedback"
            is ChekException.Input -> "input"
        }
        assertEquals("qr", area)
    }

    @Test
    fun `validate gives findings with hints, and refuses malformed arguments`() {
        val qr = parseQr(TestData.QR)
        assertEquals(emptyList<Finding>(), validate(qr, "2017-12-20T10:00:00"))
        val future = validate(qr, "2017-12-01T10:00:00", Lang.EN)
        assertEquals("fiscal.date_in_future", future.single().code)
        assertEquals(Severity.ERROR, future.single().severity)
        assertFalse(TestData.isRussian(future.single().hint))
        assertTrue(TestData.isRussian(validate(qr, "2017-12-01T10:00:00", Lang.RU).single().hint))
        // java.time.LocalDateTime.toString() is accepted as is.
        assertEquals(emptyList<Finding>(), validate(qr, java.time.LocalDateTime.of(2017, 12, 20, 10, 0, 0, 5).toString()))

        val zero = validate(qr.copy(fd = 0), "2017-12-20T10:00:00").map { it.code }
        assertTrue("fiscal.fd_zero" in zero, zero.toString())

        assertEquals("input.bad_datetime", assertThrows<ChekException.Input> { validate(qr, "yesterday") }.code)
        assertEquals("input.bad_fn_number", assertThrows<ChekException.Input> { validate(qr.copy(fnNumber = "123"), "2017-12-20T10:00:00") }.code)
        assertEquals("input.out_of_range", assertThrows<ChekException.Input> { validate(qr.copy(fd = -1), "2017-12-20T10:00:00") }.code)
        assertEquals("input.out_of_range", assertThrows<ChekException.Input> { qrToString(qr.copy(fp = 1L shl 33)) }.code)
        assertEquals("input.bad_datetime", assertThrows<ChekException.Input> { qrReceiptId(qr.copy(datetime = "19.12.2017")) }.code)
    }

    @Test
    fun `the native library reports the workspace version`() {
        val cargo = java.io.File(TestData.repo, "Cargo.toml").readText()
        val want = Regex("(?m)^version = \"([^\"]+)\"").find(cargo)!!.groupValues[1]
        assertEquals(want, version())
    }
}
