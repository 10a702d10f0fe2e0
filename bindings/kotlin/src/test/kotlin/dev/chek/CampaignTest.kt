package dev.chek

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.time.Instant
import java.time.LocalDate

class CampaignTest {
    companion object {
        const val JSON = """{
            "id": "demo", "name": "Демо",
            "when": {"start": "2026-09-01", "end": "2026-09-30"},
            "what": {"min_total": "500", "require_verification": false},
            "earn": [{"id": "per-500", "kind": "per_amount", "every": "500", "lots": 1}],
            "limits": {"receipts_per_day": 2}
        }"""
        /** The moment of evaluation: campaign-local 12:00 on 20 September (UTC+3). */
        val NOW: Instant = Instant.parse("2026-09-20T09:00:00Z")
        const val FN = "7281440500751551"
        fun qr(t: String, s: String, i: Int) = "t=$t&s=$s&fn=$FN&i=$i&fp=1&n=1"
    }

    private val none = ParticipantHistory(participant = "tg:1")

    @Test
    fun `a qualifying receipt earns lots`() {
        Campaign.fromJson(JSON).use { c ->
            assertEquals("demo", c.id())
            assertEquals("Демо", c.name())
            val d = c.evaluateQr(qr("20260915T1200", "1530.00", 1), none, NOW, Lang.EN)
            assertEquals(Status.ACCEPTED, d.status)
            assertEquals(3L, d.lots)
            assertEquals("$FN:1:1", d.receiptId)
            val earned = d.reasons.single { it.code == "campaign.lots_earned" }
            assertEquals(Effect.INFO, earned.effect)
            assertEquals("earn.per-500", earned.rule)
            assertTrue(earned.hint.contains("3"), earned.hint)
        }
    }

    @Test
    fun `a rejected receipt gets every reason, with hints in both languages`() {
        Campaign.fromJson(JSON).use { c ->
            val cand = Candidate(parseQr(qr("20260820T1200", "100.00", 2)), Channel.QR)
            val en = c.evaluate(cand, none, NOW, Lang.EN)
            val ru = c.evaluate(cand, none, NOW, Lang.RU)
            assertEquals(Status.REJECTED, en.status)
            assertEquals(0L, en.lots)
            val codes = en.reasons.map { it.code }
            assertTrue("campaign.before_period" in codes && "campaign.total_too_small" in codes, codes.toString())
            assertEquals(listOf("out_of_period"), en.segments)
            assertEquals(codes, ru.reasons.map { it.code })
            assertTrue(ru.reasons.all { TestData.isRussian(it.hint) })
            assertTrue(en.reasons.none { TestData.isRussian(it.hint) })
            assertTrue(ru.reasons.first { it.code == "campaign.total_too_small" }.hint.contains("500"))
        }
    }

    @Test
    fun `history as records and as JSON gives the same decisions`() {
        Campaign.fromJson(JSON).use { c ->
            val cand = Candidate(parseQr(qr("20260915T1200", "1530.00", 1)), Channel.QR)
            val seen = ParticipantHistory(
                participant = "tg:1",
                receipts = listOf(PastReceipt(receiptId = "$FN:1:1", submittedAt = Instant.parse("2026-09-15T10:00:00Z"), lots = 3)),
            )
            val dup = c.evaluate(cand, seen, NOW)
            assertEquals(Status.REJECTED, dup.status)
            assertEquals("campaign.duplicate", dup.reasons.first().code)

            val json = """{"participant":"tg:1","receipts":[{"id":{"fn":"$FN","fd":1,"fp":1},"submitted_at":"2026-09-15T10:00:00","lots":3}]}"""
            assertEquals(seen, parseHistoryJson(json))
            assertEquals(dup, c.evaluateJson(cand, json, NOW))

            val other = ParticipantHistory(participant = "tg:2", claimedByOthers = listOf("$FN:1:1"))
            assertEquals(Status.PENDING, c.evaluate(cand, other, NOW).status)

            // Two receipts already today (campaign-local): the daily limit rejects a third.
            val today = ParticipantHistory(
                participant = "tg:1",
                receipts = listOf(
                    PastReceipt("$FN:7:1", Instant.parse("2026-09-20T06:00:00Z"), 1, 0),
                    PastReceipt("$FN:8:1", Instant.parse("2026-09-20T07:00:00Z"), 1, 0),
                ),
            )
            val limited = c.evaluate(cand, today, NOW, Lang.EN)
            assertEquals("campaign.receipts_per_day_reached", limited.reasons.first { it.effect == Effect.REJECT }.code)
            assertEquals(listOf("limit"), limited.segments)
        }
    }

    @Test
    fun `the repository's TOML campaign loads, and a QR-only receipt waits for its items`() {
        val toml = File(TestData.repo, "examples/campaigns/grocery-weekly.toml").readText()
        Campaign.fromToml(toml).use { c ->
            assertEquals("milk-plus-weekly-2026", c.id())
            val d = c.evaluateQr(
                "t=20261110T1200&s=500.00&fn=$FN&i=3&fp=3&n=1",
                ParticipantHistory("tg:5"), Instant.parse("2026-11-10T10:00:00Z"), Lang.EN,
            )
            assertEquals(Status.PENDING, d.status, d.reasons.toString())
            assertTrue(d.reasons.any { it.effect == Effect.PENDING })
        }
    }

    @Test
    fun `the campaign's period, version and products are there to show`() {
        val toml = File(TestData.repo, "examples/campaigns/grocery-weekly.toml").readText()
        Campaign.fromToml(toml).use { c ->
            assertEquals(3L, c.version())
            val p = c.period()
            assertEquals(LocalDate.of(2026, 11, 2), p.start)
            assertEquals(LocalDate.of(2026, 12, 27), p.end)
            assertEquals("+03:00", p.utcOffset)
            assertEquals(HourWindow(8, 23), p.hours)
            assertEquals(emptyList<Weekday>(), p.weekdays)
            assertEquals(null, p.uploadDeadline)
            assertEquals(listOf("milk", "kefir", "yogurt"), c.products().map { it.id })
            assertEquals(listOf("4607001234562"), c.products().first().gtins)
            assertEquals(listOf("ложка"), c.products().last().exclude)
            // The whole definition, defaults filled in, for what the accessors do not cover.
            val def = c.definitionJson()
            assertTrue(def.contains("\"id\":\"milk-plus-weekly-2026\""), def)
            assertTrue(def.contains("\"min_matching_quantity\":2"), def)
        }
        Campaign.fromJson(JSON).use { c ->
            assertEquals(0L, c.version(), "no version in the file")
            assertEquals(LocalDate.of(2026, 9, 30), c.period().end)
            assertEquals(null, c.period().hours)
            assertTrue(c.products().isEmpty())
        }
        val deadline = JSON.replace(
            "\"end\": \"2026-09-30\"}",
            "\"end\": \"2026-09-30\", \"upload_deadline\": \"2026-10-05T18:00:00\", \"weekdays\": [\"sat\", \"sun\"]}",
        )
        Campaign.fromJson(deadline).use { c ->
            assertEquals(java.time.LocalDateTime.of(2026, 10, 5, 18, 0), c.period().uploadDeadline)
            assertEquals(listOf(Weekday.SAT, Weekday.SUN), c.period().weekdays)
        }
        val schema = campaignJsonSchema()
        assertTrue(schema.contains("\"upload_deadline\"") && schema.contains("\"products\""), schema.take(200))
    }

    @Test
    fun `every campaign and history error has its code`() {
        // Only these two areas are expected here; the code is read from the base class.
        fun code(f: () -> Unit) = assertThrows<ChekException> { f() }.let {
            assertTrue(it is ChekException.Campaign || it is ChekException.Input, it.toString())
            it.code()
        }
        assertEquals("campaign.malformed", code { Campaign.fromJson("{") })
        assertEquals("campaign.malformed", code { Campaign.fromToml("id = ") })
        val invalid = assertThrows<ChekException.Campaign> { Campaign.fromJson(JSON.replace("2026-09-30", "2026-08-01"), Lang.EN) }
        assertEquals("campaign.invalid", invalid.code)
        assertTrue(invalid.detail.contains("when.end"), invalid.detail)
        assertFalse(TestData.isRussian(invalid.hint))
        assertEquals("campaign.too_large", code { Campaign.fromJson(" ".repeat(2 shl 20)) })

        Campaign.fromJson(JSON).use { c ->
            val cand = Candidate(parseQr(qr("20260915T1200", "1530.00", 1)), Channel.QR)
            assertEquals("input.bad_history", code { c.evaluateJson(cand, "[1,2]", NOW) })
            assertEquals("input.bad_history", code { parseHistoryJson("{\"receipts\":[{\"id\":\"x\"}]}") })
            assertEquals("input.bad_receipt_id", code { c.evaluate(cand, ParticipantHistory("p", claimedByOthers = listOf("1:2")), NOW) })
            // A moment chrono cannot hold (Instant.MAX is a billion years ahead).
            assertEquals("input.out_of_range", code { c.evaluate(cand, none, Instant.MAX) })
            assertEquals("input.out_of_range", code { c.evaluate(cand, ParticipantHistory("p", campaignLots = -5), NOW) })
            assertEquals("qr.not_fiscal", assertThrows<ChekException.Qr> { c.evaluateQr("hello", none, NOW) }.code)
        }
    }
}
