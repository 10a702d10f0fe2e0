package dev.chek

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import java.io.File
import java.util.concurrent.Callable
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/** The native objects are Arc-shared and Send + Sync: one Campaign serves every thread. */
class ThreadsTest {
    @Test
    fun `one campaign, parses and scans from eight threads at once`() {
        val photo = File(TestData.shared, "corpus/qr-real/zxing-qrcode-1/1.png").readBytes()
        val expected = scan(photo, ScanOptions()).others
        val lines = TestData.qrStrings()
        val pool = Executors.newFixedThreadPool(8)
        Campaign.fromJson(CampaignTest.JSON).use { c ->
            val want = c.evaluateQr(CampaignTest.qr("20260915T1200", "1530.00", 1), ParticipantHistory("tg:1"), CampaignTest.NOW)
            val jobs = (0 until 8).map { t ->
                Callable {
                    var n = 0
                    repeat(200) { i ->
                        val d = c.evaluateQr(CampaignTest.qr("20260915T1200", "1530.00", 1), ParticipantHistory("tg:$t"), CampaignTest.NOW, if (i % 2 == 0) Lang.RU else Lang.EN)
                        assertEquals(want.lots, d.lots)
                        assertEquals(want.status, d.status)
                        val line = lines[(t * 200 + i) % lines.size]
                        assertEquals(parseQr(line), parseQr(qrToString(parseQr(line))))
                        n++
                    }
                    if (t < 2) assertEquals(expected, scan(photo, ScanOptions()).others)
                    n
                }
            }
            val done = pool.invokeAll(jobs).sumOf { it.get() }
            assertEquals(1600, done)
        }
        pool.shutdown()
        pool.awaitTermination(10, TimeUnit.SECONDS)
    }
}
