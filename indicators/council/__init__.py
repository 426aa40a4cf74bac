"""The August council: its content from the measures, frozen snapshots, the renderer-neutral
slide model and its three renderers (Plotly figures, the .pptx deck, the HTML report)."""
