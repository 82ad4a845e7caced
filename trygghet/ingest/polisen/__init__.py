"""Polisens öppna händelsedata (polisen.se/api/events) into the events table.

The feed is a JSON list of the latest ~500 events in the country. Each event names
its municipality only in the last part of `name` ("22 augusti 17.59, Brand, Kävlinge");
`location.name` is the county ("Skåne län") in today's feed, or a municipality in the
older form. Only the configured municipality's events are kept, the police type is
mapped to one of the app's categories (`type_map`), and the district is found by looking
for the districts' names and their neighbourhoods and streets (`gazetteer`,
`districts.neighbourhoods`) in the summary.

`feed.parse_feed` reads and decides without writing, with the fields read by `parse`;
the importer writes the result like any events sheet, de-duplicated by (source, police id).
`fetch.fetch` is the optional live call, which keeps the feed's published rules (User-Agent,
10 s between calls, at most 60 calls an hour, stop on 404). Nothing here calls the network
unless asked to. The municipality setting lives with the other installation settings
(trygghet.store.installation_settings), the Data page's block in trygghet.ui.polisen_settings.
"""
