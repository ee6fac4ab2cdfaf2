/**
 * Text keys the engine itself speaks (flow files name their own). The flow check makes
 * sure each exists in every locale, so a missing translation stops start-up instead of
 * reaching a person as a raw key.
 */
export const ENGINE_TEXT_KEYS = [
  "common:choice.not_understood",
  "common:choice.old_button",
  "common:choice.hint_human",
  "common:button.skip",
  "common:button.dont_know",
  "common:button.share_location",
  "common:button.share_contact",
  "common:ask.type_it",
  "common:ask.empty",
  "common:ask.number",
  "common:ask.phone",
  "common:place.unknown",
  "common:place.at_sea",
  "common:place.pin_unknown",
  "common:place.type_it",
  "common:place.noted",
  "common:language.name",
  "common:language.sos",
  "common:language.not_understood",
  "common:media_unsupported",
  "common:waiting",
  "common:waiting_danger",
  "common:error",
  "common:intent.emergency",
  "common:intent.human",
  "common:intent.stop",
  "common:operator.joined",
  "common:operator.left",
  "common:operator.closed",
  "common:operator.steps",
  "common:safety.word_shape",
  "common:quick_exit.label",
  "common:quick_exit.reply",
  "common:checkin.ping",
  "common:checkin.thanks",
  "common:reattach.done",
  "common:reattach.failed",
] as const;

/** Keyword lists (in `keywords.json`) the engine needs in every language. */
export const ENGINE_KEYWORD_LISTS = [
  "keywords:intents.emergency",
  "keywords:intents.human",
  "keywords:intents.language",
  "keywords:intents.menu",
  "keywords:intents.erase",
  "keywords:intents.stop",
  "keywords:skip",
  "keywords:dont_know",
  "keywords:negation",
  "keywords:quick_exit",
  "common:language.synonyms",
] as const;
