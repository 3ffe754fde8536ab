"""pix2pix for frame restoration: a residual U-Net generator and a conditional PatchGAN discriminator.

The generator predicts a correction: ``out = input + delta``, so an untrained or unsure model leaves
the frame as it is. It has no normalisation layers, so its output for a pixel depends only on a local
neighbourhood (tiles of a large image give the same result away from their seams). Its first layer
halves the resolution (stride 2) and the last one restores it, so most work runs at half size.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

STEMS = ("conv", "unshuffle")  # how the generator's first layer halves the resolution


@dataclass(frozen=True)
class GeneratorConfig:
    """U-Net shape; ``levels`` stride-2 steps, so inputs must be multiples of ``2 ** levels``."""

    base: int = 16  # channels after the first (stride-2) layer; doubled at each level
    levels: int = 4  # stride-2 downsamplings, the first one included
    max_channels: int = 128  # channel cap for the deeper levels
    out_channels: int = 8  # full-resolution channels before the last 3x3 conv
    stem: str = "conv"  # "conv": a 4x4 stride-2 conv; "unshuffle": lossless space-to-depth, then 3x3 convs

    @property
    def multiple(self) -> int:
        """Input height and width must be multiples of this."""
        return 2**self.levels


def _act() -> nn.Module:
    return nn.LeakyReLU(0.1, inplace=True)


class UNetGenerator(nn.Module):
    """Residual U-Net: RGB (N, 3, H, W) in 0..1 to restored RGB, H and W multiples of ``2 ** levels``."""

    def __init__(self, config: GeneratorConfig | None = None) -> None:
        super().__init__()
        self.config = config = config or GeneratorConfig()
        widths = [min(config.base * 2**i, config.max_channels) for i in range(config.levels)]
        self.widths = widths
        if config.stem not in STEMS:
            raise ValueError(f"unknown stem {config.stem!r}; choose from {', '.join(STEMS)}")
        first = (
            nn.Sequential(nn.PixelUnshuffle(2), nn.Conv2d(12, widths[0], 3, 1, 1))
            if config.stem == "unshuffle"
            else nn.Conv2d(3, widths[0], 4, 2, 1)
        )
        self.stem = nn.Sequential(first, _act(), nn.Conv2d(widths[0], widths[0], 3, 1, 1), _act())
        self.down = nn.ModuleList(
            nn.Sequential(
                nn.Conv2d(widths[i - 1], widths[i], 3, 2, 1),
                _act(),
                nn.Conv2d(widths[i], widths[i], 3, 1, 1),
                _act(),
            )
            for i in range(1, config.levels)
        )
        self.up = nn.ModuleList(
            nn.ConvTranspose2d(widths[i], widths[i - 1], 2, 2) for i in range(config.levels - 1, 0, -1)
        )
        self.fuse = nn.ModuleList(
            nn.Sequential(nn.Conv2d(2 * widths[i - 1], widths[i - 1], 3, 1, 1), _act())
            for i in range(config.levels - 1, 0, -1)
        )
        self.head_up = (
            nn.Sequential(nn.Conv2d(widths[0], 4 * config.out_channels, 3, 1, 1), nn.PixelShuffle(2))
            if config.stem == "unshuffle"
            else nn.ConvTranspose2d(widths[0], config.out_channels, 2, 2)
        )
        self.head = nn.Conv2d(config.out_channels + 3, 3, 3, 1, 1)
        nn.init.zeros_(self.head.weight)  # start as the identity: delta = 0
        nn.init.zeros_(self.head.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x + delta(x)``; not clipped (callers clip to 0..1)."""
        skips = [self.stem(x)]
        for block in self.down:
            skips.append(block(skips[-1]))
        h = skips.pop()
        for up, fuse in zip(self.up, self.fuse, strict=True):
            h = fuse(torch.cat([F.leaky_relu(up(h), 0.1), skips.pop()], dim=1))
        h = F.leaky_relu(self.head_up(h), 0.1)
        return x + self.head(torch.cat([h, x], dim=1))


@dataclass(frozen=True)
class DiscriminatorConfig:
    """PatchGAN shape: ``layers`` stride-2 convs, then two stride-1 convs (70x70 patches for 3 layers)."""

    base: int = 32  # channels of the first layer
    layers: int = 3  # stride-2 layers


class PatchDiscriminator(nn.Module):
    """Conditional PatchGAN: (degraded, candidate) pairs to a map of real/fake logits."""

    def __init__(self, config: DiscriminatorConfig | None = None) -> None:
        super().__init__()
        self.config = config = config or DiscriminatorConfig()
        layers: list[nn.Module] = [nn.Conv2d(6, config.base, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True)]
        channels = config.base
        for i in range(1, config.layers + 1):
            out = config.base * min(2**i, 8)
            stride = 2 if i < config.layers else 1
            layers += [
                nn.Conv2d(channels, out, 4, stride, 1),
                nn.BatchNorm2d(out),
                nn.LeakyReLU(0.2, inplace=True),
            ]
            channels = out
        layers.append(nn.Conv2d(channels, 1, 4, 1, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, degraded: torch.Tensor, candidate: torch.Tensor) -> torch.Tensor:
        """Logits (N, 1, h, w), one per patch."""
        return self.net(torch.cat([degraded, candidate], dim=1))


def _gaussian_window(channels: int, size: int = 11, sigma: float = 1.5) -> torch.Tensor:
    x = torch.arange(size, dtype=torch.float32) - size // 2
    g = torch.exp(-0.5 * (x / sigma) ** 2)
    g = g / g.sum()
    return (g[:, None] * g[None, :]).expand(channels, 1, size, size).contiguous()


def ssim_torch(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Mean SSIM of two (N, C, H, W) batches in 0..1 (11x11 Gaussian window, sigma 1.5, 'valid')."""
    channels = a.shape[1]
    window = _gaussian_window(channels).to(a)
    c1, c2 = 0.01**2, 0.03**2

    def filt(x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, window, groups=channels)

    mu_a, mu_b = filt(a), filt(b)
    var_a = filt(a * a) - mu_a**2
    var_b = filt(b * b) - mu_b**2
    cov = filt(a * b) - mu_a * mu_b
    ssim_map = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
    return ssim_map.mean()


def count_parameters(module: nn.Module) -> int:
    """Trainable parameters of ``module``."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def build_generator(config: dict[str, Any] | GeneratorConfig | None = None) -> UNetGenerator:
    """A generator from a config object or its ``asdict`` (as stored in checkpoints)."""
    if isinstance(config, dict):
        config = GeneratorConfig(**config)
    return UNetGenerator(config)


def generator_config_dict(generator: UNetGenerator) -> dict[str, Any]:
    """The generator's config as a plain dict."""
    return asdict(generator.config)
