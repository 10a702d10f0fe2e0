//! Rating → review → bonus, with A/B tests (`engagement.md` §4b, §6 item 8).
