//! Relations among neighbours and in another tab.
//!
//! `neighbouring_relations`: two relations over neighbouring words of one
//! line ("to be put": to → be, be → put), whose names, each in the middle
//! of its arc and one level (9 px) apart, would overlap, are drawn with
//! their names apart (the text boxes the browser gives them do not meet);
//! Delete in the article on an annotation relations use asks first (Esc
//! keeps it and gives the focus back to the article, Enter deletes it with
//! them, one undo brings all back), and on one no relation uses deletes at
//! once.
//!
//! `relations_in_another_tab`: a relation made, given a note, retyped,
//! reversed and removed in one tab shows in a second tab each time, without
//! a reload.

use fantoccini::key::Key;
use fantoccini::Locator;

use crate::keyboard::chord;
use crate::relations::{
    drawn, link, note_field, relation_id, tag, wait_for_drawn, wait_for_no_question, wait_for_note,
    wait_for_question,
};
use crate::support::app::{open_seed, wait_for_highlights};
use crate::support::browser::Session;
use crate::support::page::{self, testid};
use crate::support::{manifest_dir, Context, Res};
use crate::tabs::{switch, two_windows};
use crate::{ensure, in_every_browser};

in_every_browser!(
    chromium_neighbouring_relations,
    firefox_neighbouring_relations,
    webkit_neighbouring_relations,
    neighbouring_relations
);

in_every_browser!(
    chromium_relations_in_another_tab,
    firefox_relations_in_another_tab,
    webkit_relations_in_another_tab,
    relations_in_another_tab
);

const DOC: &str = "002_851cd8e497878d71";
/// Three short words in a row, found once in the text.
const PHRASE: &str = "to be put";

/// The id of the annotation of each of `quotes`, among `spans` (id → quote).
fn ids_of(spans: &std::collections::BTreeMap<String, String>, quotes: &[&str]) -> Res<Vec<String>> {
    quotes
        .iter()
        .map(|quote| {
            spans
                .iter()
                .find(|(_, q)| q.as_str() == *quote)
                .map(|(id, _)| id.clone())
                .context(format!("the id of {quote}"))
        })
        .collect()
}

async fn neighbouring_relations(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let text = open_seed(client, &url, DOC).await?;
    let (phrase_start, _) = crate::support::app::code_points(&text, PHRASE)?;
    let mut offset = phrase_start;
    for (n, word) in PHRASE.split(' ').enumerate() {
        let end = offset + word.chars().count();
        page::drag_select(client, &text, offset, end).await?;
        page::press_key(client, '1').await?;
        wait_for_highlights(client, &format!("{word} tagged"), |h| h.len() == n + 1).await?;
        offset = end + 1;
    }
    let spans = wait_for_highlights(client, "three words", |h| h.len() == 3).await?;
    let ids = ids_of(&spans, &["to", "be", "put"])?;
    let (to, be, put) = (&ids[0], &ids[1], &ids[2]);
    link(client, to, be, "takes part in").await?;
    link(client, be, put, "takes part in").await?;
    let kind = "takes part in".to_string();
    let both = [
        (to.clone(), be.clone(), kind.clone()),
        (be.clone(), put.clone(), kind.clone()),
    ]
    .into();
    wait_for_drawn(client, "both relations", &both).await?;

    // Each name centred over its arc, the arcs one level (9 px) apart,
    // would meet the other; as drawn, they do not. Read once both arcs are
    // drawn, on one frame.
    let (centred_apart, widths, boxes): (f64, f64, Vec<[f64; 4]>) = page::eval(
        client,
        &format!(
            r#"const mid = id => {{
                 const r = document.querySelector(`mark[data-ann-id="${{id}}"]`).getClientRects()[0];
                 return r.left + r.width / 2;
               }};
               const names = ["{to}", "{be}"].map(from => document.querySelector(
                 `[data-testid="relation"][data-from="${{from}}"] text`).getBoundingClientRect());
               const apart = Math.abs((mid("{to}") + mid("{be}")) / 2 - (mid("{be}") + mid("{put}")) / 2);
               return [apart, (names[0].width + names[1].width) / 2,
                       names.map(b => [b.left, b.top, b.right, b.bottom])];"#
        ),
        vec![],
    )
    .await?;
    let would_meet = centred_apart < widths;
    ensure!(
        would_meet,
        "the names would meet if centred ({centred_apart:.1} px apart, {widths:.1} px wide together): the check would prove nothing"
    );
    let (a, b) = (boxes[0], boxes[1]);
    ensure!(
        a[3] - a[1] > 9.0 && b[3] - b[1] > 9.0,
        "the names are taller than a level ({a:?}, {b:?}): the check would prove nothing"
    );
    let meet = a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
    ensure!(!meet, "the two names overlap: {a:?} and {b:?}");

    // `be` is selected (the source of the last relation made) and the
    // article has the focus: Delete asks, Esc keeps all.
    let consequence =
        "Deleting it also removes the 2 relations that use it. Ctrl+Z brings them all back.";
    chord(client, &[], Key::Delete).await?;
    wait_for_question(client, consequence).await?;
    chord(client, &[], Key::Escape).await?;
    wait_for_no_question(client).await?;
    page::wait_for_focus(client, &testid("doc-text")).await?;
    wait_for_drawn(client, "both kept", &both).await?;
    // Enter deletes it with its relations; one undo brings all back.
    chord(client, &[], Key::Delete).await?;
    wait_for_question(client, consequence).await?;
    chord(client, &[], Key::Enter).await?;
    wait_for_highlights(client, "be deleted", |h| h.len() == 2).await?;
    let none = std::collections::BTreeSet::new();
    wait_for_drawn(client, "no relation left", &none).await?;
    chord(client, &[Key::Control], 'z').await?;
    wait_for_highlights(client, "be back", |h| h.len() == 3).await?;
    wait_for_drawn(client, "both back", &both).await?;

    // An annotation no relation uses is deleted at once.
    tag(client, &text, "Idlib", '3').await?;
    wait_for_highlights(client, "Idlib tagged", |h| h.len() == 4).await?;
    chord(client, &[], Key::Delete).await?;
    wait_for_highlights(client, "Idlib deleted", |h| h.len() == 3).await?;
    let asked = client
        .find_all(Locator::Css(&testid("delete-dialog")))
        .await
        .context("looking for the question")?;
    ensure!(asked.is_empty(), "nothing was asked");
    ensure!(
        drawn(client).await? == both,
        "the relations are as they were"
    );
    Ok(())
}

async fn relations_in_another_tab(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let text = std::fs::read_to_string(manifest_dir().join("seeds/001_c07fc3de27d30260.txt"))?;
    let (a, b) = two_windows(&session, &url, &text).await?;
    switch(client, &a).await?;
    tag(client, &text, "Lavrentiev", '1').await?;
    wait_for_highlights(client, "Lavrentiev", |h| h.len() == 1).await?;
    tag(client, &text, "Astana", '3').await?;
    let spans = wait_for_highlights(client, "Astana", |h| h.len() == 2).await?;
    let ids = ids_of(&spans, &["Lavrentiev", "Astana"])?;
    let (person, place) = (&ids[0], &ids[1]);

    link(client, person, place, "located in").await?;
    let made = [(person.clone(), place.clone(), "located in".to_string())].into();
    wait_for_drawn(client, "made here", &made).await?;
    switch(client, &b).await?;
    wait_for_drawn(client, "made, in the other tab", &made).await?;

    switch(client, &a).await?;
    let rid = relation_id(client, person, place).await?;
    page::click(client, &format!("mark[data-ann-id=\"{person}\"]")).await?;
    page::click(client, &note_field(person, &rid)).await?;
    page::type_text(client, "at the talks").await?;
    chord(client, &[], Key::Enter).await?;
    switch(client, &b).await?;
    wait_for_note(client, person, &rid, "at the talks").await?;

    switch(client, &a).await?;
    page::click(client, &format!("mark[data-ann-id=\"{person}\"]")).await?;
    client
        .wait()
        .for_element(Locator::Css(&format!(
            "{} section[data-ann-id=\"{person}\"] {}",
            testid("annotation-details"),
            testid("card-relation-type")
        )))
        .await
        .context("the relation's type in the card")?
        .select_by_value("says")
        .await
        .context("retyping")?;
    let retyped = [(person.clone(), place.clone(), "says".to_string())].into();
    wait_for_drawn(client, "retyped here", &retyped).await?;
    switch(client, &b).await?;
    wait_for_drawn(client, "retyped, in the other tab", &retyped).await?;

    switch(client, &a).await?;
    page::click(
        client,
        &format!(
            "{} section[data-ann-id=\"{person}\"] {}",
            testid("annotation-details"),
            testid("relation-reverse")
        ),
    )
    .await?;
    let reversed = [(place.clone(), person.clone(), "says".to_string())].into();
    wait_for_drawn(client, "reversed here", &reversed).await?;
    switch(client, &b).await?;
    wait_for_drawn(client, "reversed, in the other tab", &reversed).await?;

    switch(client, &a).await?;
    page::click(client, &format!("mark[data-ann-id=\"{person}\"]")).await?;
    page::click(
        client,
        &format!(
            "{} section[data-ann-id=\"{person}\"] {}",
            testid("annotation-details"),
            testid("relation-delete")
        ),
    )
    .await?;
    let none = std::collections::BTreeSet::new();
    wait_for_drawn(client, "removed here", &none).await?;
    switch(client, &b).await?;
    wait_for_drawn(client, "removed, in the other tab", &none).await?;
    wait_for_highlights(client, "both annotations kept there", |h| h.len() == 2).await?;
    Ok(())
}
