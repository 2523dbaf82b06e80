//! Label colours: the one form a colour may have (`#rrggbb`), how a typed
//! colour is normalised, whether text stays readable on it in both colour
//! schemes (WCAG 2 contrast), and which colour a new label is offered.
//!
//! It knows nothing of labels, only of colours: which label has which
//! colour, and what a refused colour does to an edit, an import or stored
//! data, is the business of the callers (`label_set`, `import`, `repair`).

use std::collections::HashSet;

use thiserror::Error;

use super::rules::{hundredths, shortened};

/// The text colour highlights are read in (`--ink` in the stylesheet).
pub const TEXT_COLOR: &str = "#1f2328";

/// The dark scheme's text colour and paper (`--ink` and `--paper` there).
pub const DARK_TEXT_COLOR: &str = "#e6edf3";
const DARK_PAPER: &str = "#0d1117";
/// How much of a label's colour a highlight takes over the dark paper
/// (`--hl-mix`, in percent): the stylesheet draws it with
/// `color-mix(in srgb, <label> 40%, <paper>)` in the dark scheme.
const DARK_MIX_PERCENT: u8 = 40;

/// The two colour schemes a highlight is read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    Light,
    Dark,
}

/// The least contrast ratio of [`TEXT_COLOR`] on a label's colour: WCAG 2
/// level AA for normal text.
pub const MIN_CONTRAST: f64 = 4.5;
/// [`MIN_CONTRAST`] as messages write it.
const MIN_CONTRAST_TEXT: &str = "4.5";

/// Light colours that keep dark text readable and are far enough apart to
/// tell from each other, offered in turn to new labels.
const PALETTE: [&str; 20] = [
    "#fde68a", "#bfdbfe", "#bbf7d0", "#fbcfe8", "#ddd6fe", "#fed7aa", "#fecaca", "#a5f3fc",
    "#d9f99d", "#f5d0fe", "#99f6e4", "#e7e5e4", "#fcd34d", "#93c5fd", "#86efac", "#f9a8d4",
    "#c4b5fd", "#fdba74", "#fca5a5", "#67e8f9",
];

/// Why a value cannot be a label's colour, as a sentence about the value.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum ColorError {
    /// The value, shortened for the message (see [`shortened`]).
    #[error("“{0}” is not a colour of the form #rrggbb")]
    NotHex(String),
    #[error(
        "text on {color} has a contrast ratio of {}:1{}, below the {MIN_CONTRAST_TEXT}:1 \
         needed to read it; choose a {} colour",
        hundredths(*ratio),
        match scheme { Scheme::Light => "", Scheme::Dark => " in the dark scheme" },
        match scheme { Scheme::Light => "lighter", Scheme::Dark => "less light" }
    )]
    LowContrast {
        color: String,
        ratio: f64,
        scheme: Scheme,
    },
}

/// The red, green and blue of `color`, if it is `#rrggbb`.
fn rgb(color: &str) -> Option<[u8; 3]> {
    let hex = color.strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |at: usize| u8::from_str_radix(&hex[at..at + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// Whether `color` is `#rrggbb`: the only form the app writes into a
/// style, so that no stored or imported value can inject other CSS.
pub fn is_hex_color(color: &str) -> bool {
    rgb(color).is_some()
}

/// `color` itself if it is `#rrggbb`, or why it is not. Case is kept: an
/// import keeps the file's colours as written.
pub fn hex_color(color: &str) -> Result<&str, ColorError> {
    rgb(color).map(|_| color).ok_or_else(|| not_hex(color))
}

/// A colour typed into the label editor as it is kept: trimmed, in lower
/// case, `#rrggbb`, and such that highlights keep [`MIN_CONTRAST`] in both
/// schemes: light enough for [`TEXT_COLOR`] on it, and not so light that
/// [`DARK_TEXT_COLOR`] fades on its dark-scheme mix.
pub fn readable_color(typed: &str) -> Result<String, ColorError> {
    let color = typed.trim().to_lowercase();
    for scheme in [Scheme::Light, Scheme::Dark] {
        let ratio = highlight_contrast(&color, scheme).ok_or_else(|| not_hex(&color))?;
        if ratio < MIN_CONTRAST {
            return Err(ColorError::LowContrast {
                color,
                ratio,
                scheme,
            });
        }
    }
    Ok(color)
}

/// The contrast of a highlight's text on a label of `color` in `scheme`,
/// as the stylesheet draws it, or `None` if `color` is not `#rrggbb`.
pub fn highlight_contrast(color: &str, scheme: Scheme) -> Option<f64> {
    match scheme {
        Scheme::Light => contrast_ratio(TEXT_COLOR, color),
        Scheme::Dark => {
            let (label, paper) = (rgb(color)?, rgb(DARK_PAPER)?);
            let share = f64::from(DARK_MIX_PERCENT) / 100.0;
            let mixed: [f64; 3] = std::array::from_fn(|i| {
                share * f64::from(label[i]) + (1.0 - share) * f64::from(paper[i])
            });
            Some(ratio(
                luminance(mixed),
                luminance(channels(DARK_TEXT_COLOR)?),
            ))
        }
    }
}

fn not_hex(color: &str) -> ColorError {
    ColorError::NotHex(shortened(color))
}

/// Whether two colours are the same one, whatever the case of their
/// digits.
pub fn same_color(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// The WCAG 2 contrast ratio of two `#rrggbb` colours, from 1 to 21, or
/// `None` if either is not of that form.
pub fn contrast_ratio(a: &str, b: &str) -> Option<f64> {
    Some(ratio(luminance(channels(a)?), luminance(channels(b)?)))
}

/// The WCAG 2 contrast ratio of two relative luminances.
fn ratio(a: f64, b: f64) -> f64 {
    let (light, dark) = if a > b { (a, b) } else { (b, a) };
    (light + 0.05) / (dark + 0.05)
}

/// The channels of an `#rrggbb` colour, from 0 to 255.
fn channels(color: &str) -> Option<[f64; 3]> {
    rgb(color).map(|c| c.map(f64::from))
}

/// The WCAG 2 relative luminance of sRGB channels from 0 to 255.
fn luminance(channels: [f64; 3]) -> f64 {
    let [r, g, b] = channels.map(|channel| {
        let c = channel / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    });
    0.2126 * r + 0.7152 * g + 0.0722 * b
}

/// Colours for new labels, added one after another, without looking at
/// every colour again for each: adding n labels costs n steps, not n².
#[derive(Clone, Debug)]
pub struct ColorPicker {
    used: HashSet<String>,
    labels: usize,
}

impl ColorPicker {
    /// For labels added after those with `colors`.
    pub fn new<'a>(colors: impl IntoIterator<Item = &'a str>) -> Self {
        let mut picker = Self {
            used: HashSet::new(),
            labels: 0,
        };
        colors.into_iter().for_each(|color| picker.add(color));
        picker
    }

    /// The colour for the next label: the first of the palette no label
    /// uses yet, or once all are used, one by the number of labels.
    pub fn pick(&mut self) -> String {
        let color = PALETTE
            .iter()
            .find(|c| !self.used.contains(**c))
            .unwrap_or(&PALETTE[self.labels % PALETTE.len()])
            .to_string();
        self.add(&color);
        color
    }

    /// Counts a label added with a colour of its own.
    pub fn add(&mut self, color: &str) {
        self.used.insert(color.to_lowercase());
        self.labels += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::default_labels;

    #[test]
    fn only_hex_colours_are_colours() {
        assert!(is_hex_color("#A5f3fc"));
        assert_eq!(rgb("#A5f3fc"), Some([0xa5, 0xf3, 0xfc]));
        for bad in [
            "#fff",
            "red",
            "#12345g",
            "#1234567",
            "#123456;x",
            "",
            "#",
            "ä12345",
        ] {
            assert!(!is_hex_color(bad), "{bad}");
            assert_eq!(hex_color(bad), Err(ColorError::NotHex(bad.into())));
        }
        // Six bytes, but not six hex digits: must not be sliced mid-character.
        assert!(!is_hex_color("#éé12"));
    }

    #[test]
    fn a_refused_colour_is_shown_shortened() {
        let long = format!("#{}", "f".repeat(100));
        let message = hex_color(&long).unwrap_err().to_string();
        assert!(message.ends_with("…” is not a colour of the form #rrggbb"));
        assert!(message.chars().count() < 100, "{message}");
    }

    #[test]
    fn typed_colours_are_trimmed_lower_cased_and_readable() {
        assert_eq!(readable_color(" #A5F3FC "), Ok("#a5f3fc".into()));
        assert_eq!(
            readable_color("red;x"),
            Err(ColorError::NotHex("red;x".into()))
        );
        let Err(ColorError::LowContrast {
            color,
            ratio,
            scheme: Scheme::Light,
        }) = readable_color("#1f6feb")
        else {
            panic!("a mid blue is too dark for dark text");
        };
        assert_eq!(color, "#1f6feb");
        assert!(ratio < MIN_CONTRAST);
        let message = readable_color("#000000").unwrap_err().to_string();
        assert!(
            message.contains("1.33:1") && message.contains("4.5:1"),
            "{message}"
        );
        assert!(same_color("#A5F3FC", "#a5f3fc") && !same_color("#a5f3fc", "#a5f3fd"));
    }

    #[test]
    fn a_colour_too_light_for_the_dark_scheme_is_refused() {
        // White passes on light paper (dark text, 15.8:1), but at 40% over
        // #0d1117 it becomes about #6e7074, where light text has 4.19:1.
        assert!(highlight_contrast("#ffffff", Scheme::Light).unwrap() > 15.0);
        let dark = highlight_contrast("#ffffff", Scheme::Dark).unwrap();
        assert!((4.1..4.3).contains(&dark), "{dark}");
        let Err(ColorError::LowContrast {
            color,
            ratio,
            scheme: Scheme::Dark,
        }) = readable_color("#FFFFFF")
        else {
            panic!("white must be refused for the dark scheme");
        };
        assert_eq!((color.as_str(), ratio), ("#ffffff", dark));
        let message = readable_color("#ffffff").unwrap_err().to_string();
        assert_eq!(
            message,
            "text on #ffffff has a contrast ratio of 4.19:1 in the dark scheme, below the \
             4.5:1 needed to read it; choose a less light colour"
        );
        // The mix is what the stylesheet draws: the same share of the label.
        let css =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../style/main.css"))
                .unwrap();
        assert!(css.contains(&format!("--hl-mix: {DARK_MIX_PERCENT}%;")));
        assert!(css.contains(&format!(
            "--ink: light-dark({TEXT_COLOR}, {DARK_TEXT_COLOR});"
        )));
        assert!(css.contains(&format!("--paper: light-dark(#ffffff, {DARK_PAPER});")));
        assert!(css.contains(
            "light-dark(var(--hl), color-mix(in srgb, var(--hl) var(--hl-mix), var(--paper)))"
        ));
    }

    #[test]
    fn the_least_contrast_is_written_as_it_is() {
        assert_eq!(MIN_CONTRAST_TEXT, MIN_CONTRAST.to_string());
    }

    #[test]
    fn contrast_ratio_follows_wcag() {
        let ratio = |a, b| contrast_ratio(a, b).unwrap();
        assert!((ratio("#000000", "#ffffff") - 21.0).abs() < 1e-9);
        assert!((ratio("#ffffff", "#ffffff") - 1.0).abs() < 1e-9);
        assert_eq!(ratio("#777777", "#ffffff"), ratio("#ffffff", "#777777"));
        // #767676 is the well-known lightest grey passing 4.5:1 on white.
        assert!(ratio("#767676", "#ffffff") >= 4.5);
        assert!(ratio("#777777", "#ffffff") < 4.5);
        assert_eq!(contrast_ratio("#fff", "#000000"), None);
        assert_eq!(contrast_ratio("red", "#000000"), None);
    }

    #[test]
    fn defaults_and_palette_are_readable() {
        for color in default_labels()
            .iter()
            .map(|l| l.color.as_str())
            .chain(PALETTE)
        {
            for scheme in [Scheme::Light, Scheme::Dark] {
                let ratio = highlight_contrast(color, scheme).unwrap();
                assert!(ratio >= MIN_CONTRAST, "{color} {scheme:?}: {ratio}");
            }
            assert_eq!(readable_color(color).as_deref(), Ok(color));
        }
        let distinct: HashSet<_> = PALETTE.iter().collect();
        assert_eq!(distinct.len(), PALETTE.len());
    }
}
