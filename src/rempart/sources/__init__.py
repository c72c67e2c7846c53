"""Where scanned media come from: DiscordChatExporter exports, zip archives, synthetic test
exports."""
