"""Russian language and calendar for customer messages: plurals, numbers and money in words in every case, names, speech, phones, the production calendar, SMS length."""

from chek._chek import (
    plural_category,
    amount_sms,
    amount_spoken,
    amount_spoken_in,
    number_in_words,
    expand_abbreviations,
    person_name,
    phone_e164,
    phone_problem,
    ProductionCalendar,
    SmsLength,
    measure_sms,
    split_sms,
)

__all__ = [
    "plural_category",
    "amount_sms",
    "amount_spoken",
    "amount_spoken_in",
    "number_in_words",
    "expand_abbreviations",
    "person_name",
    "phone_e164",
    "phone_problem",
    "ProductionCalendar",
    "SmsLength",
    "measure_sms",
    "split_sms",
]
