package dev.chek

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.time.LocalDateTime

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
        assertEquals(LocalDateTime.of(2017, 12, 19, 15, 52), qr.datetime)
        assertEquals(128_600L, qr.totalKopecks)
        assertEquals("8710000100022003", qr.fnNumber)
        assertEquals(54813L, qr.fd)
        assertEquals(3906717812L, qr.fp) // above Int.MAX_VALUE: why fd and fp are Long
        assertEquals("8710000100022003:54813:3906717812", qrReceiptId(qr))
        // The canonical form drops zero seconds, as registers print it.
        assertEquals(TestData.QR.replace("T155200", "T1552"), qrToString(qr))
    }

    @Test
    fun `receipt times are LocalDateTime both ways`() {
        val qr = parseQr(TestData.QR)
        // Any wall-clock time goes in and comes back unchanged (whole seconds; a QR has no less).
        for (t in listOf(
            LocalDateTime.of(2024, 2, 29, 23, 59, 59),
            LocalDateTime.of(2016, 7, 1, 0, 0),
            LocalDateTime.of(2030, 12, 31, 12, 30, 5),
        )) {
            val moved = qr.copy(datetime = t)
            assertEquals(moved, parseQr(qrToString(moved)), "$t")
            assertEquals(t, parseQr(qrToString(moved)).datetime)
        }
        // The QR string carries the same wall-clock time, with no zone.
        assertEquals(LocalDateTime.of(2024, 9, 17, 18, 1), parseQr("t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1").datetime)
        assertTrue(qrToString(qr.copy(datetime = LocalDateTime.of(2024, 2, 29, 23, 59, 59))).startsWith("t=20240229T235959&"))
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
            is ChekException.Receipt -> "receipt"
            is ChekException.Draw -> "draw"
            is ChekException.Input -> "input"
        }
        assertEquals("qr", area)
    }

    @Test
    fun `code, hint and detail are read from the base class, whatever the area`() {
        // One catch clause for every area: no matching of subclasses to read the fields.
        fun failure(f: () -> Unit): ChekException = try {
            f()
            throw AssertionError("no exception")
        } catch (e: ChekException) {
            e
        }
        val cases = listOf(
            failure { parseQr("hello", Lang.EN) } to "qr.not_fiscal",
            failure { scan(ByteArray(0), ScanOptions(), Lang.EN) } to "scan.empty",
            failure { parseManual("фн 9289000100123456", Lang.EN) } to "text.incomplete",
            failure { Campaign.fromJson("{", Lang.EN) } to "campaign.malformed",
            failure { normalizePhone("not a phone!", Lang.EN) } to "loyalty.bad_phone",
            failure { parseScores("9,x", Lang.EN) } to "feedback.bad_scores",
            failure { parseReceiptJson("{}", Lang.EN) } to "receipt.no_receipt",
            failure { parseLots("alice,1\nbob,many", Lang.EN) } to "draw.bad_list",
            failure { parseDrawResult("[]", Lang.EN) } to "input.bad_draw_result",
        )
        for ((e, code) in cases) {
            assertEquals(code, e.code(), e.toString())
            assertTrue(e.hint().isNotEmpty() && !TestData.isRussian(e.hint()), e.hint())
            assertTrue(e.detail().isNotEmpty())
            // The base class's view is the variant's fields.
            assertTrue(e.message!!.contains("code=${e.code()}"), e.message)
            assertTrue(e.message!!.contains("hint=${e.hint()}"), e.message)
        }
        assertEquals(cases.map { it.second.substringBefore('.') }.toSet().size, 9, "one case per area")
        val ru = failure { parseQr("hello") }
        assertTrue(TestData.isRussian(ru.hint()), ru.hint())
        // On a variant, the property and the base class's method agree.
        val qr = ru as ChekException.Qr
        assertEquals(qr.code, qr.code())
        assertEquals(qr.hint, qr.hint())
    }

    @Test
    fun `validate gives findings with hints, and refuses malformed arguments`() {
        val qr = parseQr(TestData.QR)
        val dayAfter = LocalDateTime.of(2017, 12, 20, 10, 0)
        assertEquals(emptyList<Finding>(), validate(qr, dayAfter))
        val early = LocalDateTime.of(2017, 12, 1, 10, 0)
        val future = validate(qr, early, Lang.EN)
        assertEquals("fiscal.date_in_future", future.single().code)
        assertEquals(Severity.ERROR, future.single().severity)
        assertFalse(TestData.isRussian(future.single().hint))
        assertTrue(TestData.isRussian(validate(qr, early, Lang.RU).single().hint))
        // Nanoseconds of LocalDateTime.now() are fine.
        assertEquals(emptyList<Finding>(), validate(qr, dayAfter.withNano(5)))

        val zero = validate(qr.copy(fd = 0), dayAfter).map { it.code }
        assertTrue("fiscal.fd_zero" in zero, zero.toString())

        assertEquals("input.bad_fn_number", assertThrows<ChekException.Input> { validate(qr.copy(fnNumber = "123"), dayAfter) }.code)
        assertEquals("input.out_of_range", assertThrows<ChekException.Input> { validate(qr.copy(fd = -1), dayAfter) }.code)
        assertEquals("input.out_of_range", assertThrows<ChekException.Input> { qrToString(qr.copy(fp = 1L shl 33)) }.code)
        // A time the library cannot hold is refused as it crosses, with the call's error type.
        assertEquals("input.bad_datetime", assertThrows<ChekException.Input> { qrReceiptId(qr.copy(datetime = LocalDateTime.MAX)) }.code)
        assertEquals("input.bad_datetime", assertThrows<ChekException.Input> { validate(qr, LocalDateTime.MIN) }.code)
    }

    @Test
    fun `the native library reports the workspace version`() {
        val cargo = java.io.File(TestData.repo, "Cargo.toml").readText()
        val want = Regex("(?m)^version = \"([^\"]+)\"").find(cargo)!!.groupValues[1]
        assertEquals(want, version())
    }
}
