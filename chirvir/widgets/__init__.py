"""Widgets for other web sites: an account's latest public posts in a frame that updates live, one
post's embed, the script that inserts the frame, oEmbed, and the page that builds the snippet."""
