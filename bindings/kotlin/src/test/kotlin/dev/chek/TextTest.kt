package dev.chek

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File

class TextTest {
    private val ocr = "ИТОГ =1500.00\nФН 9289000100123456\nФД 12345\nФПД 1234567890\nПРИХОД 15.03.21 12:34"
    private val typed = "фн 9289000100123456 фд 12345 фп 1234567890 15.03.21 12:34 1500,00"

    @Test
    fun `printed text and typed entry give the same receipt through different channels`() {
        val a = parseText(ocr)
        val b = parseManual(typed)
        assertEquals(Channel.OCR, a.channel)
        assertEquals(Channel.MANUAL, b.channel)
        assertEquals(a.qr, b.qr)
        assertEquals(java.time.LocalDateTime.of(2021, 3, 15, 12, 34), a.qr.datetime)
        assertEquals(150_000L, a.qr.totalKopecks)
        assertEquals("9289000100123456:12345:1234567890", qrReceiptId(a.qr))
    }

    @Test
    fun `the sample OCR text of the repository reads completely`() {
        val text = File(TestData.repo, "examples/data/receipt-ocr.txt").readText()
        val r = readText(text, Lang.EN)
        assertNotNull(r.qr)
        assertTrue(r.fields.any { it.field == "fn" && it.value.length == 16 })
        assertTrue(r.fields.all { it.confidence in 0f..1f })
    }

    @Test
    fun `a partial reading lists what is missing with hints in both languages`() {
        val ru = readText("ФН 9289000100123456\nФД 12345", Lang.RU)
        val en = readText("ФН 9289000100123456\nФД 12345", Lang.EN)
        assertNull(en.qr)
        assertEquals(listOf("fn", "fd"), en.fields.map { it.field })
        val missing = en.problems.filter { it.code == "text.field_missing" }.map { it.field }.toSet()
        assertEquals(setOf("datetime", "total_kopecks", "fp", "operation"), missing)
        assertTrue(ru.problems.all { TestData.isRussian(it.hint) })
        assertTrue(en.problems.none { TestData.isRussian(it.hint) })
        assertEquals(Channel.MANUAL, readManual("фн 9289000100123456").channel)
    }

    @Test
    fun `every text error has its code`() {
        assertEquals("text.empty", assertThrows<ChekException.Text> { parseText("   ") }.code)
        assertEquals("text.empty", assertThrows<ChekException.Text> { parseManual("") }.code)
        assertEquals("text.too_long", assertThrows<ChekException.Text> { parseText("ИТОГ 1\n".repeat(20_000)) }.code)
        assertEquals("text.too_long", assertThrows<ChekException.Text> { parseManual("1".repeat(5000)) }.code)
        val e = assertThrows<ChekException.Text> { parseManual("фн 9289000100123456", Lang.EN) }
        assertEquals("text.incomplete", e.code)
        assertFalse(TestData.isRussian(e.hint))
        assertTrue(TestData.isRussian(assertThrows<ChekException.Text> { parseManual("фн 9289000100123456") }.hint))
    }
}
