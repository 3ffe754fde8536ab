"""The learning loop: snapshot play + base data, fine-tune a challenger from the champion, gate, decide."""
