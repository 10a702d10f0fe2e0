package dev.chek

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File

/** Loyalty cards, activation forms, surveys, review links and SMS measurement (#22 part 4). */
class EngageTest {
    private val programme: LoyaltyProgramme =
        LoyaltyProgramme.fromToml(File(TestData.repo, "examples/engage/programme.toml").readText())
    private val survey: Survey =
        Survey.fromToml(File(TestData.repo, "examples/engage/survey.toml").readText())

    @Test
    fun `phones normalise to E164 and bad ones are refused with a hint`() {
        for (raw in listOf("+7 (916) 123-45-67", "8 916 123 45 67", "79161234567", "916-123-45-67", "+8 916 123 45 67")) {
            assertEquals("+79161234567", normalizePhone(raw), raw)
        }
        assertEquals("+375291234567", normalizePhone("+375 29 123 45 67"))
        val e = assertThrows<ChekException.Loyalty> { normalizePhone("not a phone!", Lang.EN) }
        assertEquals("loyalty.bad_phone", e.code)
        assertFalse(TestData.isRussian(e.hint), e.hint)
        val ru = assertThrows<ChekException.Loyalty> { normalizePhone("12345") }
        assertTrue(TestData.isRussian(ru.hint), ru.hint)
    }

    @Test
    fun `card numbers are read and checked as the server will`() {
        assertEquals("Ромашка", programme.name())
        val formats = programme.formats()
        assertEquals(listOf(13L, 16L), formats.map { it.length })
        assertEquals(CheckDigit.GS1, formats[0].check)
        assertEquals("4600682000013", programme.parseCard("4600 6820 0001 3"))
        assertEquals("4561261212345467", programme.parseCard("4561-2612-1234-5467"))
        assertEquals("4600682000013", programme.findCard("Карта 4600 6820 0001 3, тел 8 916 123-45-67"))
        val typo = assertThrows<ChekException.Loyalty> { programme.parseCard("4600682000014", Lang.EN) }
        assertEquals("loyalty.bad_check_digit", typo.code)
        assertTrue(typo.hint.contains("typo"), typo.hint)
        assertEquals("loyalty.no_card", assertThrows<ChekException.Loyalty> { programme.parseCard("card 4600682000013") }.code)
        assertEquals(
            "loyalty.several_cards",
            assertThrows<ChekException.Loyalty> { programme.findCard("4561261212345467 и 4600682000013") }.code,
        )
        assertTrue(checkDigitValid("4600682000013", CheckDigit.GS1))
        assertFalse(checkDigitValid("4600682000014", CheckDigit.GS1))
        assertTrue(checkDigitValid("79927398713", CheckDigit.LUHN))
        assertTrue(checkDigitValid("5724", CheckDigit.DAMM))
        assertEquals("0013", cardLast4("4600682000013"))
        assertEquals("loyalty.no_card", assertThrows<ChekException.Loyalty> { cardLast4("46-00") }.code)
    }

    @Test
    fun `an activation form becomes the request to send or a refusal with code and hint`() {
        val form = ActivationForm(
            card = "4600 0000 0002 2",
            phone = "+7 (903) 555-12-34",
            fields = mapOf("name" to "Анна Петрова", "birthday" to "1990-05-17"),
        )
        val web = programme.validateForm(form, FormSource.Website("acc-1"))
        assertEquals("4600000000022", web.card)
        assertEquals("0022", web.cardLast4)
        assertEquals("+79035551234", web.phone)
        assertEquals(ActivationChannel.WEBSITE, web.channel)
        assertEquals("acc-1", web.actor)
        assertTrue(web.activatesNow)
        assertEquals("Анна Петрова", web.profile["name"])
        assertTrue(web.json.contains("\"birthday\":\"1990-05-17\""), web.json)

        // SMS + form: the phone is the SMS sender, not the form's.
        val smsForm = programme.validateForm(form, FormSource.SmsForm("8 999 555-44-33"))
        assertEquals("+79995554433", smsForm.phone)
        assertNull(smsForm.actor)

        // A cashier without the right: valid, but it waits for an operator.
        val till = programme.validateForm(form, FormSource.Till("k-17", false))
        assertEquals(ActivationChannel.TILL, till.channel)
        assertFalse(till.activatesNow)
        assertEquals("1990-05-17", till.profile["birthday"], "the till keeps the form's fields")
        val huge = form.copy(fields = mapOf("note" to "я".repeat(1000)))
        for (source in listOf(FormSource.Website("a"), FormSource.Till("k", true), FormSource.SmsForm("+79161234567"))) {
            assertEquals("loyalty.too_long", assertThrows<ChekException.Loyalty> { programme.validateForm(huge, source) }.code, "$source")
        }
        assertTrue(programme.validateForm(form, FormSource.Till("k-1", true)).activatesNow)

        val refusals = mapOf(
            form.copy(card = "4600 0000 0002 3") to "loyalty.bad_check_digit",
            form.copy(phone = "12345") to "loyalty.bad_phone",
            form.copy(card = "") to "loyalty.no_card",
            form.copy(fields = mapOf("note" to "я".repeat(1000))) to "loyalty.too_long",
        )
        for ((bad, code) in refusals) {
            val ru = assertThrows<ChekException.Loyalty> { programme.validateForm(bad, FormSource.Operator("op-1")) }
            val en = assertThrows<ChekException.Loyalty> { programme.validateForm(bad, FormSource.Operator("op-1"), Lang.EN) }
            assertEquals(code, ru.code)
            assertEquals(code, en.code)
            assertTrue(TestData.isRussian(ru.hint), ru.hint)
            assertFalse(TestData.isRussian(en.hint), en.hint)
            assertTrue(en.detail.isNotEmpty())
        }

        val sms = programme.validateSms("8 916 123-45-67", "Карта 4600 6820 0001 3")
        assertEquals(ActivationChannel.SMS, sms.channel)
        assertEquals("4600682000013", sms.card)
        assertTrue(sms.profile.isEmpty())
    }

    @Test
    fun `a programme file that cannot be used is a loyalty error`() {
        val e = assertThrows<ChekException.Loyalty> { LoyaltyProgramme.fromToml("name = \"x\"\nformats = []\n", Lang.EN) }
        assertEquals("loyalty.bad_format", e.code)
        assertEquals("Клуб", LoyaltyProgramme.example().name())
    }

    @Test
    fun `a survey rates answers and says who is invited`() {
        assertEquals("after-visit", survey.id())
        assertEquals(3, survey.criteria().size)
        assertEquals(8, survey.threshold())
        assertEquals(SurveyMode.COMPLIANT, survey.mode())
        assertTrue(survey.policyWarnings().isEmpty())
        val low = survey.rate(listOf(5, 6, 7))
        assertEquals(6.0, low.average)
        assertFalse(low.satisfied)
        assertTrue(low.invited, "compliant mode invites everyone")
        assertTrue(low.followUp)
        val high = survey.rate(parseScores("10, 8 6"))
        assertTrue(high.satisfied && !high.followUp)
        for (bad in listOf(listOf(9, 9), listOf(9, 9, 11), listOf(9, 9, 0), listOf(9, 9, 300), listOf(9, 9, -1))) {
            assertEquals("feedback.bad_scores", assertThrows<ChekException.Feedback> { survey.rate(bad) }.code, "$bad")
        }
        assertEquals("feedback.bad_scores", assertThrows<ChekException.Feedback> { parseScores("9,x") }.code)

        val gated = Survey.fromToml(File(TestData.repo, "examples/engage/survey-gated.toml").readText())
        assertEquals(SurveyMode.GATED, gated.mode())
        val warnings = gated.policyWarnings(Lang.EN)
        assertEquals(listOf("feedback.review_gating", "feedback.review_incentive"), warnings.map { it.code })
        assertFalse(gated.rate(listOf(7, 7, 8)).invited, "gated: below the threshold is not invited")

        val js = assertThrows<ChekException.Feedback> {
            Survey.fromToml("id = \"s\"\ncriteria = [\"a\"]\nreview_url = \"javascript:alert(1)//\"\n")
        }
        assertEquals("feedback.bad_survey", js.code)
        assertTrue(js.detail.contains("review_url"), js.detail)
        checkReviewUrl("https://r.example.ru/r/")
        assertThrows<ChekException.Feedback> { checkReviewUrl("data:text/html,x") }
    }

    @Test
    fun `review links are read with any tracking appended and verified only with the key`() {
        // docs/review-token.md vector: key "host-secret-of-16+bytes", survey "after-visit", answer 7.
        val token = "IQdDOVhQhx0JG4FVz8c2"
        val link = survey.reviewUrl() + token + "?utm_source=sms&utm_medium=invite#reviews"
        val parsed = parseReviewLink(link)
        assertEquals(token, parsed.token)
        assertEquals(2, parsed.version)
        assertEquals(7L, parsed.seq)
        assertTrue(token.length <= 22)
        assertEquals(7L, parseReviewLink("https://r.example.ru/?t=$token&utm_source=sms").seq)

        val key = "host-secret-of-16+bytes".toByteArray()
        assertEquals(7L, survey.openReviewLink(key, link))
        val forged = link.replace(token, token.dropLast(1) + if (token.last() == 'A') "B" else "A")
        assertEquals("feedback.bad_token", assertThrows<ChekException.Feedback> { survey.openReviewLink(key, forged) }.code)
        val other = "another-secret-of-16+bytes".toByteArray()
        assertEquals("feedback.bad_token", assertThrows<ChekException.Feedback> { survey.openReviewLink(other, link) }.code)
        assertEquals("feedback.weak_key", assertThrows<ChekException.Feedback> { survey.openReviewLink("short".toByteArray(), link) }.code)

        val none = assertThrows<ChekException.Feedback> { parseReviewLink("https://r.example.ru/r/?utm_source=sms", Lang.EN) }
        assertEquals("feedback.bad_token", none.code)
        assertFalse(TestData.isRussian(none.hint))

        // The invitation with its link fits one SMS now.
        val message = "Спасибо за оценку! Отзыв: " + survey.reviewUrl() + token
        val m = measureSms(message)
        assertEquals(SmsEncoding.UCS2, m.encoding)
        assertEquals(1L, m.segments)
        assertTrue(m.fitsOne)

        val b = abBucket("invite-wording-2026-11", "anna")
        assertTrue(b in 0 until 10_000)
        assertEquals(b, abBucket("invite-wording-2026-11", "anna"))
    }

    @Test
    fun `SMS texts are measured and split`() {
        val ru = measureSms("Карта *0013 активирована и привязана к номеру. Спасибо!")
        assertEquals(SmsEncoding.UCS2, ru.encoding)
        assertEquals(55L, ru.units)
        assertEquals(1L, ru.segments)
        assertEquals(15L, ru.freeInLast)
        assertNull(ru.toSaveSegment)
        val long = measureSms("x".repeat(161))
        assertEquals(SmsEncoding.GSM7, long.encoding)
        assertEquals(2L, long.segments)
        assertEquals(153L, long.perSegment)
        assertEquals(1L, long.toSaveSegment)
        assertFalse(long.fitsOne)
        // Extension characters take two septets.
        assertEquals(2L, measureSms("€").units)
        assertEquals(0L, measureSms("").segments)
        val parts = splitSms("я".repeat(100))
        assertEquals(listOf(67, 33), parts.map { it.length })
    }

    @Test
    fun `a Cyrillic SMS is measured in UCS-2 and priced per segment`() {
        // Any Cyrillic letter makes the whole text UCS-2: 70 units fit one SMS (this text is
        // exactly 70), the 71st splits it into parts of at most 67.
        val text = "Ваш чек принят: 3 лота в розыгрыше «Осень». Спасибо, что вы с нами!!!!"
        val m = measureSms(text)
        assertEquals(SmsEncoding.UCS2, m.encoding)
        assertEquals(text.length.toLong(), m.units)
        assertEquals(1L, m.segments)
        assertTrue(m.fitsOne)
        assertEquals(250L, smsCostKopecks(text, 250))

        val longer = text + "!"
        val two = measureSms(longer)
        assertEquals(2L, two.segments)
        assertEquals(67L, two.perSegment)
        assertEquals(1L, two.toSaveSegment)
        assertEquals(500L, smsCostKopecks(longer, 250))
        // The same length in Latin letters stays one GSM-7 SMS.
        assertEquals(SmsEncoding.GSM7, measureSms("x".repeat(longer.length)).encoding)
        assertEquals(250L, smsCostKopecks("x".repeat(longer.length), 250))
        assertEquals(0L, smsCostKopecks("", 250))
    }
}
