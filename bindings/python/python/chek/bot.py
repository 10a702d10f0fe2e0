"""The receipt bot: a campaign's `chek.Engine` behind a Telegram bot.

A photo (or an image file) is scanned and submitted, a text with a QR payload or a typed-in
receipt is submitted as it is; the participant is ``tg:<user id>`` and gets one reply with the
decision, the lots and the hint in their language (Russian unless Telegram says English).
``/start`` explains, ``/status`` lists their lots and the receipts being checked, and a message
asking for a person («оператор», «помощь») opens a care case answered with
``chek care reply --db … --case tg:<id> --event-id …``.

Each update is handled once: its submission is keyed by the update id, its reply is an outbox
row (``chek.outbox``), and the bot's cursor in the ledger moves past it only then. A crash at
any point is repaired by the next ``poll_once()``, which neither skips nor repeats.

    bot = TelegramBot(chek.Engine(campaign, chek.Ledger("chek.sqlite")),
                      chek.channels.Telegram.from_env("BOT_TOKEN"))
    while True:
        bot.poll_once(wait=25)
"""

from chek._chek import BotPoll, BotUpdate, TelegramBot

__all__ = ["BotPoll", "BotUpdate", "TelegramBot"]
