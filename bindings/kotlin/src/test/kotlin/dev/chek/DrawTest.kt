package dev.chek

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File

/** An app checks a published prize draw (chek-draw-v1) against its lots list. */
class DrawTest {
    /** docs/draw-v1-vectors.json, vector "earlier winners excluded" (Cyrillic ids). */
    private val lots = listOf(DrawEntry("анна", 10), DrawEntry("борис", 2), DrawEntry("вера", 7), DrawEntry("глеб", 1))
    private val lotsCsv = "participant,lots\nанна,10\nборис,2\nвера,7\nглеб,1\n"
    private val published = DrawResult(
        algorithm = "chek-draw-v1",
        seedCommitment = "c4bbcb1fbec99d65bf59d85c8cb62ee2db963f0fe106f483d9afa73bd4e39a8a",
        lotsHash = "cba18cdbaa5fb276ebf681fa864a48fefe79077bf68bdced225815c993b396bd",
        exclusionsHash = "121464bf6a46085ffdf4ecd0084f2b8007a46dddf7f9a4e4f18551a61e6b1d83",
        seed = "636f727265637420686f727365206261747465727920737461706c65",
        beacon = "0102",
        prizes = 2,
        excluded = listOf("анна"),
        entries = 4,
        totalLots = 10,
        winners = listOf(Winner(1, "вера", 7, 8), Winner(2, "борис", 2, 1)),
    )

    /** The result as `chek draw --json` publishes it. */
    private fun json(r: DrawResult): String {
        val winners = r.winners.joinToString(",") {
            """{"prize":${it.prize},"participant":"${it.participant}","lots":${it.lots},"ticket":${it.ticket}}"""
        }
        return """{"algorithm":"${r.algorithm}","seed_commitment":"${r.seedCommitment}","lots_hash":"${r.lotsHash}",""" +
            """"exclusions_hash":"${r.exclusionsHash}","seed":"${r.seed}","beacon":"${r.beacon}","prizes":${r.prizes},""" +
            """"excluded":[${r.excluded.joinToString(",") { "\"$it\"" }}],"entries":${r.entries},"total_lots":${r.totalLots},""" +
            """"winners":[$winners]}"""
    }

    @Test
    fun `the vector is the one of the docs`() {
        val doc = File(TestData.repo, "docs/draw-v1-vectors.json").readText()
        for (v in listOf(published.seedCommitment, published.lotsHash, published.exclusionsHash, published.seed)) {
            assertTrue(doc.contains("\"$v\""), v)
        }
        assertEquals(published.lotsHash, lotsHash(lots))
        assertEquals(published.lotsHash, lotsHash(lots.reversed()), "the list is sorted before hashing")
        assertEquals(lots, parseLots(lotsCsv))
    }

    @Test
    fun `a published draw verifies, and any change to it is named`() {
        verifyDraw(published, lots)
        verifyPublishedDraw(json(published), lotsCsv)
        assertEquals(published, parseDrawResult(json(published)))

        val cases = mapOf(
            published.copy(winners = listOf(Winner(1, "глеб", 1, 8), Winner(2, "борис", 2, 1))) to "winners",
            published.copy(seed = "00" + published.seed.drop(2)) to "seed_commitment",
            published.copy(lotsHash = "00" + published.lotsHash.drop(2)) to "lots_hash",
            published.copy(beacon = "0103") to "winners",
        )
        for ((forged, what) in cases) {
            val e = assertThrows<ChekException.Draw> { verifyDraw(forged, lots, Lang.EN) }
            assertEquals("draw.mismatch", e.code)
            assertTrue(e.detail.contains(what), e.detail)
            assertTrue(e.hint.contains(what), e.hint)
        }
        // The same result against a list where one more lot was slipped in.
        val more = lots.map { if (it.participant == "глеб") it.copy(lots = 2) else it }
        assertTrue(assertThrows<ChekException.Draw> { verifyDraw(published, more) }.detail.contains("lots_hash"))
        val ru = assertThrows<ChekException.Draw> { verifyPublishedDraw(json(published), lotsCsv.replace("вера,7", "вера,8")) }
        assertTrue(TestData.isRussian(ru.hint), ru.hint)
    }

    @Test
    fun `unusable lists and results have their codes`() {
        assertEquals("draw.bad_list", assertThrows<ChekException.Draw> { parseLots("анна,1\nборис,много") }.code)
        assertEquals("draw.duplicate_participant", assertThrows<ChekException.Draw> { lotsHash(lots + DrawEntry("анна", 1)) }.code)
        assertEquals("draw.zero_lots", assertThrows<ChekException.Draw> { lotsHash(listOf(DrawEntry("a", 0))) }.code)
        assertEquals("input.out_of_range", assertThrows<ChekException.Input> { lotsHash(listOf(DrawEntry("a", -1))) }.code)
        assertEquals("input.bad_draw_result", assertThrows<ChekException.Input> { parseDrawResult("{\"algorithm\":1}") }.code)
        assertEquals("input.bad_draw_result", assertThrows<ChekException.Input> { verifyPublishedDraw("not json", lotsCsv) }.code)
    }

    @Test
    fun `the suspend variants give the same answers`() {
        runBlocking {
            verifyDrawAsync(published, lots)
            verifyPublishedDrawAsync(json(published), lotsCsv)
        }
        val e = assertThrows<ChekException.Draw> {
            runBlocking { verifyDrawAsync(published.copy(prizes = 1), lots, Lang.EN) }
        }
        assertEquals("draw.mismatch", e.code)
        assertFalse(TestData.isRussian(e.hint))
    }
}
