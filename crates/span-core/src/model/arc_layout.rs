//! Where the arcs of relations go over the text, given where their ends are
//! drawn: each a bracket from the top of its source up to a level and
//! across to its target, with its type's name on top.
//!
//! Shorter relations lie lower, and each lies above every shorter one it
//! spans over, as brat stacks them. A name that would overlap one already
//! placed slides along its arc's top, as little as it can; if no place
//! there is clear, the arc goes up a level and tries again. Lengths are in
//! CSS pixels, `y` growing downwards.

/// One relation to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct ArcEnds {
    /// The first and last code points its two ends start at.
    pub lo: usize,
    pub hi: usize,
    /// The top middle of the source's and the target's first line.
    pub from: (f64, f64),
    pub to: (f64, f64),
    /// The width of its name as drawn, halo included.
    pub label_width: f64,
}

/// Where one arc goes.
#[derive(Clone, Debug, PartialEq)]
pub struct ArcPlace {
    /// The `y` of its top.
    pub top: f64,
    /// The middle of its name; the name's baseline is at `top - LABEL_GAP`.
    pub label_x: f64,
}

/// A box a name takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabelBox {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

impl LabelBox {
    pub fn intersects(&self, other: &LabelBox) -> bool {
        self.left < other.right
            && other.left < self.right
            && self.top < other.bottom
            && other.top < self.bottom
    }
}

/// How far the lowest arc's top is above its ends.
pub const RISE: f64 = 8.0;
/// How far each level is above the one below.
pub const LEVEL: f64 = 9.0;
/// How far a name's baseline is above its arc's top.
pub const LABEL_GAP: f64 = 2.0;
/// Space kept clear between two names side by side.
const SPACING: f64 = 2.0;
/// How many levels an arc may go up for its name before it takes the
/// highest tried, so a crowded line costs a bounded time.
const MAX_RAISE: usize = 40;

/// The box of a name of `width` centred on `x`, its baseline at `baseline`,
/// for a font whose ascent and descent are `height` together.
fn label_box(x: f64, baseline: f64, width: f64, height: f64) -> LabelBox {
    LabelBox {
        left: x - width / 2.0,
        right: x + width / 2.0,
        top: baseline - height * 0.8,
        bottom: baseline + height * 0.2,
    }
}

/// The places of `arcs`, in their order; `label_height` is the height of a
/// line of the names' font.
pub fn lay_out(arcs: &[ArcEnds], label_height: f64) -> Vec<ArcPlace> {
    let mut order: Vec<usize> = (0..arcs.len()).collect();
    order.sort_by_key(|&i| (arcs[i].hi - arcs[i].lo, arcs[i].lo, i));
    let mut levels: Vec<(usize, usize, usize)> = Vec::new();
    let mut boxes: Vec<LabelBox> = Vec::new();
    let mut places = vec![
        ArcPlace {
            top: 0.0,
            label_x: 0.0
        };
        arcs.len()
    ];
    for i in order {
        let arc = &arcs[i];
        let lowest = levels
            .iter()
            .filter(|(lo, hi, _)| *lo <= arc.hi && arc.lo <= *hi)
            .map(|(_, _, level)| level + 1)
            .max()
            .unwrap_or(0);
        let mut level = lowest;
        let (top, label_x) = loop {
            let top = arc.from.1.min(arc.to.1) - RISE - LEVEL * level as f64;
            let spot = clear_spot(arc, top - LABEL_GAP, label_height, &boxes);
            match spot {
                Some(x) => break (top, x),
                None if level >= lowest + MAX_RAISE => break (top, middle(arc)),
                None => level += 1,
            }
        };
        levels.push((arc.lo, arc.hi, level));
        boxes.push(label_box(
            label_x,
            top - LABEL_GAP,
            arc.label_width,
            label_height,
        ));
        places[i] = ArcPlace { top, label_x };
    }
    places
}

fn middle(arc: &ArcEnds) -> f64 {
    (arc.from.0 + arc.to.0) / 2.0
}

/// The `x` nearest the arc's middle where its name, on `baseline`, meets
/// none of `boxes` and stays over the arc's top (or, when the top is
/// shorter than the name, only the middle).
fn clear_spot(arc: &ArcEnds, baseline: f64, height: f64, boxes: &[LabelBox]) -> Option<f64> {
    let width = arc.label_width;
    let centre = middle(arc);
    let half = width / 2.0;
    let (lo, hi) = (
        arc.from.0.min(arc.to.0) + half,
        arc.from.0.max(arc.to.0) - half,
    );
    let fits = |x: f64| {
        let spot = label_box(x, baseline, width, height);
        !boxes.iter().any(|b| b.intersects(&spot))
    };
    let mut candidates = vec![centre];
    if lo < hi {
        for b in boxes {
            candidates.push(b.right + SPACING + half);
            candidates.push(b.left - SPACING - half);
        }
        candidates.retain(|x| (lo..=hi).contains(x) || *x == centre);
    }
    candidates.sort_by(|a, b| (a - centre).abs().total_cmp(&(b - centre).abs()));
    candidates.into_iter().find(|&x| fits(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arc(lo: usize, hi: usize, x1: f64, x2: f64, y: f64, width: f64) -> ArcEnds {
        ArcEnds {
            lo,
            hi,
            from: (x1, y),
            to: (x2, y),
            label_width: width,
        }
    }

    fn boxes(arcs: &[ArcEnds], places: &[ArcPlace], height: f64) -> Vec<LabelBox> {
        arcs.iter()
            .zip(places)
            .map(|(a, p)| label_box(p.label_x, p.top - LABEL_GAP, a.label_width, height))
            .collect()
    }

    fn assert_apart(arcs: &[ArcEnds], places: &[ArcPlace], height: f64) {
        let b = boxes(arcs, places, height);
        for i in 0..b.len() {
            for j in i + 1..b.len() {
                assert!(!b[i].intersects(&b[j]), "{i} and {j} overlap: {b:?}");
            }
        }
    }

    #[test]
    fn a_lone_arc_sits_low_with_its_name_in_the_middle() {
        let arcs = [arc(0, 10, 100.0, 200.0, 50.0, 40.0)];
        let places = lay_out(&arcs, 12.0);
        assert_eq!(
            places,
            [ArcPlace {
                top: 50.0 - RISE,
                label_x: 150.0
            }]
        );
    }

    #[test]
    fn a_longer_arc_over_a_shorter_one_is_drawn_above_it() {
        let arcs = [
            arc(0, 30, 100.0, 400.0, 50.0, 30.0),
            arc(10, 20, 200.0, 300.0, 50.0, 30.0),
        ];
        let places = lay_out(&arcs, 12.0);
        assert!(places[0].top < places[1].top);
        assert_apart(&arcs, &places, 12.0);
    }

    #[test]
    fn names_of_neighbouring_arcs_slide_apart_on_one_level() {
        // Two arcs side by side whose names, in their middles, would
        // overlap: the second slides along its own top.
        let arcs = [
            arc(0, 5, 100.0, 160.0, 50.0, 100.0),
            arc(6, 11, 140.0, 300.0, 50.0, 100.0),
        ];
        let places = lay_out(&arcs, 12.0);
        assert_eq!(places[0].top, places[1].top, "no arc raised");
        assert_eq!(places[0].label_x, 130.0);
        assert_eq!(
            places[1].label_x,
            180.0 + SPACING + 50.0,
            "as near the middle as it can"
        );
        assert_apart(&arcs, &places, 12.0);
    }

    #[test]
    fn a_name_with_no_room_to_slide_raises_its_arc() {
        let arcs = [
            arc(0, 5, 100.0, 150.0, 50.0, 80.0),
            arc(6, 11, 160.0, 210.0, 50.0, 80.0),
        ];
        let places = lay_out(&arcs, 12.0);
        assert!(places[1].top < places[0].top, "{places:?}");
        assert_apart(&arcs, &places, 12.0);
    }

    #[test]
    fn many_arcs_on_one_line_never_overlap() {
        let arcs: Vec<ArcEnds> = (0..30)
            .map(|i| {
                let x = 20.0 * i as f64;
                arc(
                    i * 2,
                    i * 2 + 3,
                    x,
                    x + 45.0,
                    80.0,
                    35.0 + (i % 4) as f64 * 10.0,
                )
            })
            .collect();
        let places = lay_out(&arcs, 12.0);
        assert_apart(&arcs, &places, 12.0);
    }
}
