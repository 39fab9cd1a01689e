"""监督检查: 信息核对和抽查 and the 查处 leads (notice 003), one tab each."""
