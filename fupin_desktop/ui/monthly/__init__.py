"""月度统计 and 汇总分析: the monthly grid, import, review, dashboard and calendar."""
