"""Each trap in patients' writing, with examples in our own words (none copied from anyone's writing)."""

import pytest

# --- plain reports --------------------------------------------------------------------------------------


def test_a_plain_benefit_of_walking_is_helped(outcome_of):
    assert outcome_of("Since I started walking to the park every morning my back aches far less.") == "helped"


def test_a_crash_after_a_class_is_worsened(outcome_of):
    assert outcome_of("Did one spin class on Monday and I've been flat in bed ever since.") == "worsened"


def test_a_benefit_and_a_harm_of_exercise_is_mixed(outcome_of):
    text = (
        "The pool eases my hips beautifully, but every time I do more than twenty minutes I crash for days."
    )
    assert outcome_of(text) == "mixed"


def test_one_kind_helping_and_another_hurting_is_mixed(intervention_outcomes, outcome_of):
    text = "Gentle yoga keeps me supple and I sleep better after it. Running, though, wrecked my knees."
    assert outcome_of(text) == "mixed"
    assert intervention_outcomes(text) == {"yoga": "helped", "running": "worsened"}


# --- negation ---------------------------------------------------------------------------------------------


def test_didnt_help_at_all_is_not_a_benefit(outcome_of):
    assert outcome_of("I gave tai chi a proper go for two months and it didn't help at all.") != "helped"


def test_not_worse_is_not_a_harm(outcome_of):
    assert outcome_of("Tried the hydro pool for a month. Not worse, not better, just the same.") == "none"


def test_never_made_me_feel_better_with_a_harm_is_worsened(outcome_of):
    text = "Cycling never once made me feel better. My legs burned for days after every ride."
    assert outcome_of(text) == "worsened"


def test_no_crash_after_a_walk_is_a_benefit(outcome_of):
    text = "Walked to the corner shop and back three days running and haven't had a single crash."
    assert outcome_of(text) == "helped"


def test_a_harm_that_stopped_is_a_benefit(outcome_of):
    assert outcome_of("Six weeks of seated stretches and my legs don't cramp at night anymore.") == "helped"


def test_cant_do_it_without_pain_is_a_harm(outcome_of):
    assert outcome_of("These days I can't get round the supermarket on foot without crashing.") == "worsened"


def test_does_nothing_for_me_is_not_a_benefit(outcome_of):
    assert outcome_of("Stretching does nothing for me, whatever the physio says.") != "helped"


# --- hypotheticals and advice ---------------------------------------------------------------------------


def test_a_warning_to_others_is_none(outcome_of):
    assert outcome_of("If you overdo it on the bike you'll crash, so start with five minutes.") == "none"


def test_advice_that_something_might_help_is_none(outcome_of):
    assert outcome_of("You could try the warm pool, it might help your joints.") == "none"


def test_a_pattern_the_writer_lives_with_counts(outcome_of):
    text = "Short walks help my mood, but if I go further than the end of the road I crash."
    assert outcome_of(text) == "mixed"


# --- time shifts ------------------------------------------------------------------------------------------


def test_used_to_help_now_wipes_me_out_is_mixed(outcome_of):
    assert outcome_of("Swimming used to help, but now even two lengths wipes me out.") == "mixed"


def test_no_longer_helps_is_not_a_current_benefit(outcome_of):
    assert outcome_of("Yoga no longer helps the way it did.") != "helped"


def test_it_carries_the_last_intervention(intervention_outcomes):
    text = "I started aqua aerobics in March. It has made a huge difference to my stiffness."
    assert intervention_outcomes(text) == {"pool": "helped"}


# --- someone else's claim versus a carer's report -----------------------------------------------------


def test_my_doctor_says_it_helps_is_not_a_report(outcome_of):
    assert outcome_of("My doctor says walking helps fibromyalgia.") == "none"


def test_a_study_claim_is_not_a_report(outcome_of):
    assert outcome_of("Studies show that strength training reduces pain in most patients.") == "none"


def test_a_carers_report_about_their_daughter_counts(outcome_of):
    text = "My daughter started swimming again last term and her fatigue has got so much worse."
    assert outcome_of(text) == "worsened"


def test_a_carer_passing_on_what_their_son_says_counts(outcome_of):
    text = "My son does ten minutes of stretches before bed and he says it helps him sleep."
    assert outcome_of(text) == "helped"


def test_a_friends_experience_is_not_first_hand(outcome_of):
    assert outcome_of("My friend swears pilates sorted her back out.") == "none"


# --- misleading sentiment ---------------------------------------------------------------------------------


def test_less_pain_is_a_benefit_although_vader_reads_it_as_negative(outcome_of):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    text = "Less pain and fewer flares since the physio exercises."
    assert SentimentIntensityAnalyzer().polarity_scores(text)["compound"] < 0
    assert outcome_of(text) == "helped"


def test_enjoying_a_class_then_paying_for_it_is_worsened(outcome_of):
    text = "Loved every minute of the dance class, the music was great. Then spent four days in bed."
    assert outcome_of(text) in ("worsened", "mixed")


def test_more_energy_is_a_benefit(outcome_of):
    assert outcome_of("Tai chi twice a week and I have more energy in the afternoons.") == "helped"


# --- sarcasm ------------------------------------------------------------------------------------------------


def test_sarcastic_praise_with_a_crash_is_worsened(outcome_of):
    text = 'Oh great, the "gentle" exercise programme really helped. Bedbound for a fortnight 🙄'
    assert outcome_of(text) == "worsened"


# --- other treatments only, questions, support ---------------------------------------------------------


def test_other_treatment_only_is_none(outcome_of, intervention_outcomes):
    text = "LDN has been a game changer for my pain, and magnesium helps me sleep."
    assert outcome_of(text) == "none"
    assert intervention_outcomes(text) == {"ldn": "helped", "supplements": "helped"}


def test_a_question_is_none(outcome_of):
    assert outcome_of("Has anyone found that yoga helps with the brain fog?") == "none"


def test_a_support_message_is_none(outcome_of):
    assert (
        outcome_of("Sending you so many hugs. Be gentle with yourself and rest up, you'll get there.")
        == "none"
    )


def test_exercise_mentioned_without_an_outcome_is_none(outcome_of):
    assert outcome_of("I'm starting a walking group on Thursdays at the community centre.") == "none"


# --- symptoms -----------------------------------------------------------------------------------------------


def test_symptoms_are_what_the_outcome_is_about(tag):
    result = tag("Since the pool sessions I sleep better and the brain fog has lifted.")
    assert result.outcome == "helped"
    assert {"sleep", "cognition"} <= set(result.symptoms)


def test_a_crash_is_post_exertional_malaise(tag):
    assert "pem" in tag("Tried a short jog and crashed for a week.").symptoms


# --- round 2: enjoyment before the payback, not doing it, denied benefits -----------------------------------


def test_enjoying_it_at_the_time_then_a_crash_is_worsened(outcome_of):
    text = "The aqua class felt amazing at the time. Two days later I could barely get out of bed."
    assert outcome_of(text) == "worsened"


def test_a_lasting_benefit_then_a_crash_is_still_mixed(outcome_of):
    text = "The aqua class eased my hip pain for a good week. Then I did two in a row and crashed."
    assert outcome_of(text) == "mixed"


def test_a_harm_when_it_is_skipped_is_a_benefit_of_doing_it(outcome_of):
    assert outcome_of("Short walks every morning; skip a few days and my back seizes up.") == "helped"


def test_stiffer_without_it_is_a_benefit(outcome_of):
    assert outcome_of("Ten minutes of stretches a day. I'd be so much stiffer without them.") == "helped"


def test_less_than_without_it_compares_and_stays_a_benefit(outcome_of):
    assert outcome_of("My knees ache less on class days than on days without tai chi.") == "helped"


def test_a_benefit_named_only_to_be_denied_is_not_a_benefit(outcome_of):
    text = (
        "There was no point in the whole programme where the exercise did me any good, "
        "and by week six I was crashing every few days."
    )
    assert outcome_of(text) == "worsened"


# --- round 2: attribution ------------------------------------------------------------------------------


def test_the_class_after_a_named_kind_is_that_kind(intervention_outcomes):
    text = "I go to a pilates class on Mondays. The class has made my back much stronger."
    assert intervention_outcomes(text) == {"pilates": "helped"}


def test_exercises_named_in_the_sentence_that_reports_share_the_outcome(intervention_outcomes):
    assert intervention_outcomes("Yoga and pilates both flared my back for days.") == {
        "yoga": "worsened",
        "pilates": "worsened",
    }


def test_a_treatment_used_to_cope_does_not_take_the_harm(intervention_outcomes, outcome_of):
    text = (
        "Did ten minutes on the rowing machine. Now on the sofa with codeine and a heat pad, back in spasm."
    )
    assert outcome_of(text) == "worsened"
    outcomes = intervention_outcomes(text)
    assert outcomes["gym"] == "worsened"
    assert outcomes.get("medication", "none") != "worsened"


def test_something_the_writer_wishes_they_had_not_done_was_done(outcome_of):
    assert outcome_of("I wish I'd never done that parkrun. Two months on my knees still aren't right.") == (
        "worsened"
    )


def test_cant_say_it_helped_still_reports_on_what_was_done(outcome_of):
    text = "Can't say the walking group did me any favours. Six weeks, pain up every week, fatigue worse."
    assert outcome_of(text) == "worsened"


def test_a_blank_line_does_not_count_as_a_sentence(intervention_outcomes):
    text = "Five minutes, twice a week. Three weeks in I'd crashed twice.\n\nThe bike is a clothes horse now."
    assert intervention_outcomes(text) == {"cycling": "worsened"}


# --- round 2: whose experience, and when ------------------------------------------------------------------


def test_a_possessive_is_not_whose_experience_it_is(outcome_of):
    assert outcome_of("Danced at my niece's wedding, was wiped out for a week.") == "worsened"


def test_would_for_what_kept_happening_is_not_hypothetical(outcome_of):
    assert outcome_of("Eight weeks of tai chi. Every Tuesday afternoon my knees would be on fire.") == (
        "worsened"
    )


def test_what_the_writer_thought_at_the_time_is_not_a_report(outcome_of):
    text = "Started the couch to 5k thinking my fibro was settled. Legs gone to jelly, back to sofa life."
    assert outcome_of(text) == "worsened"


# --- round 2: direction words inside longer phrases --------------------------------------------------------


def test_more_manageable_is_a_benefit_not_more_pain(outcome_of):
    assert outcome_of("Since the hydro sessions my pain is way more manageable.") == "helped"


def test_less_like_is_a_comparison_not_less_brain(outcome_of):
    assert outcome_of("Chair yoga most mornings. My brain feels less like porridge afterwards.") == "helped"


def test_sore_in_a_good_way_is_not_a_harm(outcome_of):
    # (1.2 read it as mixed; since 1.3 mixed needs a benefit and a harm of exercise in the words)
    assert outcome_of("Cycling to work again! Legs sore in a good way and my mood is brilliant.") == "helped"


# --- round 2: how patients say it (UK, US, Australian, informal) ----------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Did a 20 min walk yesterday and it absolutely wrecked me.", "worsened"),
        ("Pilates knocked me flat for the rest of the week.", "worsened"),
        ("Went to aqua on Monday. Paid for it all week.", "worsened"),
        ("That spin class set me back about a month.", "worsened"),
        ("Laid up for three days after a gentle swim.", "worsened"),
        ("Useless for days after the physio session, honestly.", "worsened"),
        ("Tried a yoga flow and couldn't get off the couch the next day.", "worsened"),
        ("Went for a bushwalk on Sunday, was stuffed for days afterwards.", "worsened"),
        ("Gym session was fine but I was totally buggered the day after.", "worsened"),
        ("Ever since that zumba class my back has been in bits.", "worsened"),
        ("hit the gym last week, still paying for it", "worsened"),
        ("A short walk in the morning takes the edge off the pain.", "helped"),
        ("Since starting the stretches I'm more limber and my hips don't grind.", "helped"),
        ("Tai chi twice a week and I'm holding my own, no crashes since spring.", "helped"),
        ("After hydro I felt human again for the first time in months.", "helped"),
        ("Walking the dog every arvo has done wonders for my mood.", "helped"),
        ("The swimming has given me my energy back.", "helped"),
        ("Been doing the physio exercises religiously and my shoulder finally moves again.", "helped"),
        ("my PT program has me feeling stronger and I'm off the cane now", "helped"),
        ("swimming helped the pain heaps but the fatigue after is brutal", "mixed"),
    ],
)
def test_everyday_ways_of_saying_it(outcome_of, text, expected):
    assert outcome_of(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "If you're going to try the gym, start really small or you'll be laid up for days.",
        "My physio reckons pilates will sort my back out. We'll see.",
        "Big hugs, that crash sounds horrendous. Rest up and be kind to yourself.",
        "Amitriptyline has helped my sleep so much, and the heat pad is a lifesaver.",
        "I used to run marathons before I got ill. Now I just rest.",
        "What's everyone's experience with resistance bands? Thinking of getting some.",
        "I was happy to stop after ten minutes of yoga, and that was that.",
    ],
)
def test_no_outcome_of_exercise_is_reported(outcome_of, text):
    assert outcome_of(text) == "none"


@pytest.mark.parametrize(
    "text",
    [
        "Even living with crippling fibromyalgia I still love my Tuesday gym class.",
        "I swim to keep going against the debilitating effects of my illness.",
    ],
)
def test_the_illness_described_is_not_a_harm_of_exercise(outcome_of, text):
    # an adjective in front of the condition names the condition; it is not what the exercise did
    assert outcome_of(text) != "worsened"
    assert outcome_of(text) != "mixed"
