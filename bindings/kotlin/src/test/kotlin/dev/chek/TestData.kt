package dev.chek

import java.io.File

/** Where the tests find their data: the shared corpus beside the repository, and the repo. */
object TestData {
    val shared: File = File(System.getenv("CHEK_SHARED") ?: System.getProperty("chek.shared") ?: "../../../shared")
    val repo: File = File(System.getProperty("chek.repo") ?: "../..")
    val photos: File = File(System.getProperty("chek.photos") ?: "../../target/receipt-photos")

    /** A real fiscal QR from the shared fixtures (line 1 of qr-strings.txt). */
    const val QR = "t=20171219T155200&s=1286.00&fn=8710000100022003&i=54813&fp=3906717812&n=1"

    fun qrStrings(): List<String> =
        File(shared, "fixtures/qr-strings.txt").readLines().map { it.trim() }.filter { it.isNotEmpty() }

    /**
     * Russian hints are mostly Cyrillic (they may say «QR-код»); English ones mostly Latin (they
     * may quote a receipt's Russian labels, such as «ИТОГ»).
     */
    fun isRussian(hint: String): Boolean {
        val cyrillic = hint.count { it in 'А'..'я' || it == 'Ё' || it == 'ё' }
        val latin = hint.count { it in 'A'..'Z' || it in 'a'..'z' }
        return cyrillic > latin
    }
}
