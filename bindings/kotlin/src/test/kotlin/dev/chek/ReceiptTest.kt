package dev.chek

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.time.Instant
import java.time.LocalDateTime

/** Full receipts with items, as ФНС services return them (shared fixtures/fns). */
class ReceiptTest {
    private data class Expect(val file: String, val fn: String, val fd: Long, val total: Long, val time: LocalDateTime, val items: Int)

    /** The five real receipts of the shared fixtures, as tests/tests/fixtures.rs lists them. */
    private val receipts = listOf(
        Expect("irkkt-ticket-2020-lenta.json", "9282440300688488", 14186, 727_300, LocalDateTime.of(2020, 7, 9, 20, 8), 50),
        Expect("irkkt-ticket-2023-lenta.json", "9960440302169202", 6887, 21_760, LocalDateTime.of(2023, 3, 17, 18, 30), 2),
        Expect("irkkt-ticket-2023-ozon.json", "7281440501188798", 115621, 270_100, LocalDateTime.of(2023, 10, 16, 13, 13), 1),
        Expect("proverkacheka-code1-2024-pyaterochka.json", "7281440500751551", 30526, 128_521, LocalDateTime.of(2024, 9, 17, 18, 1), 6),
        Expect("proverkacheka-code1-2025-yandex-market.json", "7380440801185382", 169111, 61_900, LocalDateTime.of(2025, 1, 4, 19, 31), 2),
    )

    private fun fixture(name: String) = File(TestData.shared, "fixtures/fns/$name").readText()

    /** The QR string each service was asked about: the ticket's `qr` or the request's `qrraw`. */
    private fun askedQr(json: String) = Regex("\"qr(?:raw)?\"\\s*:\\s*\"([^\"]+)\"").find(json)!!.groupValues[1]

    private val now = LocalDateTime.of(2026, 11, 23, 12, 0)

    @Test
    fun `every real receipt reads with its items, passes offline checks and matches its QR`() {
        for (e in receipts) {
            val json = fixture(e.file)
            val r = parseReceiptJson(json)
            assertEquals(e.fn, r.fnNumber, e.file)
            assertEquals(e.fd, r.fd, e.file)
            assertEquals(e.total, r.totalKopecks, e.file)
            assertEquals(e.time, r.datetime, e.file)
            assertEquals(e.items, r.items.size, e.file)
            assertEquals(r.totalKopecks, r.items.sumOf { it.sumKopecks }, e.file)
            assertEquals(emptyList<Finding>(), validateReceipt(r, now), e.file)

            val qr = parseQr(askedQr(json))
            assertEquals(emptyList<Finding>(), receiptMatchesQr(r, qr), e.file)
            assertEquals(qrReceiptId(qr), qrReceiptId(receiptToQr(r)))
            assertEquals(qr, receiptToQr(r))
        }
    }

    @Test
    fun `a receipt that differs from its QR, or is tampered with, gives findings with hints`() {
        val json = fixture("irkkt-ticket-2023-lenta.json")
        val r = parseReceiptJson(json)
        val qr = parseQr(askedQr(json))
        val other = receiptMatchesQr(r, qr.copy(totalKopecks = qr.totalKopecks + 1, datetime = qr.datetime.plusMinutes(5)), Lang.EN)
        assertEquals(listOf("receipt.qr_mismatch", "receipt.qr_mismatch"), other.map { it.code })
        assertTrue(other.all { it.severity == Severity.ERROR })
        assertTrue(other.any { it.hint.contains("total") } && other.any { it.hint.contains("date") }, other.toString())
        // Seconds do not count: services round the time to the minute.
        assertEquals(emptyList<Finding>(), receiptMatchesQr(r, qr.copy(datetime = qr.datetime.withSecond(59))))

        val tampered = r.copy(
            items = r.items.mapIndexed { i, it -> if (i == 0) it.copy(sumKopecks = it.sumKopecks + 100) else it },
            sellerInn = "7814148472",
            documentCode = 31,
        )
        val codes = validateReceipt(tampered, now, Lang.EN).map { it.code }
        assertEquals(listOf("receipt.not_a_receipt", "receipt.inn_invalid", "receipt.items_sum_mismatch", "receipt.item_price_mismatch"), codes)
        assertTrue(validateReceipt(tampered, now, Lang.RU).all { TestData.isRussian(it.hint) })
        assertEquals("fiscal.date_in_future", validateReceipt(r, r.datetime.minusDays(1)).single().code)
    }

    @Test
    fun `what is not a receipt is refused with a receipt code`() {
        val limit = assertThrows<ChekException.Receipt> { parseReceiptJson(fixture("proverkacheka-code3-limit.json"), Lang.EN) }
        assertEquals("receipt.no_receipt", limit.code)
        assertTrue(limit.detail.contains("Превышено"), limit.detail)
        assertFalse(TestData.isRussian(limit.hint))
        assertEquals("receipt.malformed_json", assertThrows<ChekException.Receipt> { parseReceiptJson("{\"items\": [") }.code)
        assertEquals("receipt.too_large", assertThrows<ChekException.Receipt> { parseReceiptJson(" ".repeat((8 shl 20) + 1)) }.code)
        val r = parseReceiptJson(fixture("irkkt-ticket-2023-ozon.json"))
        assertEquals("input.out_of_range", assertThrows<ChekException.Input> { validateReceipt(r.copy(fd = -1), now) }.code)
        assertEquals("input.out_of_range", assertThrows<ChekException.Input> { receiptToQr(r.copy(documentCode = 70_000)) }.code)
    }

    /** A campaign on watermelons, run over the Pyaterochka receipt of 17 September 2024. */
    private val melons = """
        id = "melons-2024"
        name = "Бахчевые"
        [when]
        start = "2024-09-01"
        end = "2024-09-30"
        [what]
        require_verification = false
        min_matching_sum = "500"
        [[products]]
        id = "melon"
        keywords = ["арбуз"]
        [[earn]]
        id = "per-receipt"
        kind = "per_receipt"
        lots = 1
    """.trimIndent()

    @Test
    fun `with its items a receipt is decided on the product rules, without them it waits`() {
        val receipt = parseReceiptJson(fixture("proverkacheka-code1-2024-pyaterochka.json"))
        val at = Instant.parse("2024-09-18T09:00:00Z")
        val history = ParticipantHistory("tg:7")
        Campaign.fromToml(melons).use { c ->
            assertEquals(listOf("melon"), c.products().map { it.id })
            assertEquals(listOf("арбуз"), c.products().single().keywords)

            val withItems = receiptToCandidate(receipt, Channel.QR)
            assertEquals(receipt, withItems.receipt)
            assertEquals(receiptToQr(receipt), withItems.qr)
            val d = c.evaluate(withItems, history, at, Lang.EN)
            assertEquals(Status.ACCEPTED, d.status, d.reasons.toString())
            assertEquals(1L, d.lots)

            // The same receipt without its three watermelon lines (808.27 ₽) has no promo product.
            val noMelons = receipt.copy(
                items = receipt.items.filterNot { it.name.contains("Арбуз") },
                totalKopecks = receipt.items.filterNot { it.name.contains("Арбуз") }.sumOf { it.sumKopecks },
            )
            val rejected = c.evaluate(receiptToCandidate(noMelons, Channel.QR), history, at, Lang.EN)
            assertEquals(Status.REJECTED, rejected.status)
            assertTrue(rejected.reasons.any { it.code == "campaign.no_promo_products" }, rejected.reasons.toString())

            // One watermelon line of 260.50 ₽: below the 500 ₽ of promo products.
            val firstMelon = receipt.items.indexOfFirst { it.name.contains("Арбуз") }
            val few = receipt.copy(items = receipt.items.filterIndexed { i, it -> !it.name.contains("Арбуз") || i == firstMelon })
            val small = c.evaluate(receiptToCandidate(few, Channel.QR), history, at, Lang.EN)
            assertTrue(small.reasons.any { it.code == "campaign.promo_sum_too_small" }, small.reasons.toString())

            // The QR alone: the items are not known yet, so the receipt waits for them.
            val qrOnly = c.evaluate(Candidate(receiptToQr(receipt), Channel.QR), history, at, Lang.EN)
            assertEquals(Status.PENDING, qrOnly.status, qrOnly.reasons.toString())
            assertNull(Candidate(receiptToQr(receipt), Channel.QR).receipt)
        }
    }
}
