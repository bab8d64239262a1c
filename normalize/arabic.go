package normalize

import (
	"strings"
)

// arabicNames holds the usual Latin spelling of common name words, written
// without vowel marks as they almost always are. Words not listed are
// transliterated letter by letter (consonants and long vowels).
var arabicNames = map[string]string{
	"محمد": "muhammad", "احمد": "ahmad", "محمود": "mahmud", "مصطفى": "mustafa", "علي": "ali",
	"عمر": "umar", "عثمان": "uthman", "حسن": "hasan", "حسين": "husayn", "ابراهيم": "ibrahim",
	"اسماعيل": "ismail", "يوسف": "yusuf", "خالد": "khalid", "سعيد": "said", "سعد": "saad",
	"عبد": "abd", "الله": "allah", "فاطمة": "fatima", "عائشة": "aisha", "مريم": "maryam",
	"زينب": "zaynab", "خديجة": "khadija", "سلمان": "salman", "فيصل": "faysal", "عبدالله": "abdallah",
	"عبدالرحمن": "abd al rahman", "عبدالعزيز": "abd al aziz", "بن": "bin", "ابن": "ibn", "بنت": "bint",
	"ابو": "abu", "صالح": "salih", "ناصر": "nasir", "جمال": "jamal", "كريم": "karim", "رشيد": "rashid",
	"طارق": "tariq", "زياد": "ziyad", "حمزة": "hamza", "بكر": "bakr", "جعفر": "jafar", "سليمان": "sulayman",
	"داود": "dawud", "موسى": "musa", "عيسى": "isa", "نور": "nur", "ليلى": "layla", "سارة": "sara",
	"هند": "hind", "امين": "amin", "منصور": "mansur", "حميد": "hamid", "مجيد": "majid", "وليد": "walid",
	"ياسر": "yasir", "عادل": "adil", "نبيل": "nabil", "سامي": "sami", "هاشم": "hashim", "قاسم": "qasim",
	"اسامة": "usama", "عباس": "abbas", "جواد": "jawad", "رضا": "rida", "مهدي": "mahdi", "بشار": "bashar",
	"حافظ": "hafiz", "رفيق": "rafiq", "سمير": "samir", "عمرو": "amr", "شريف": "sharif", "نادر": "nadir",
	"رحمن": "rahman", "الرحمن": "al rahman", "العزيز": "al aziz", "الدين": "al din", "نصر": "nasr",
	"اسد": "asad", "الاسد": "al asad", "سعود": "saud", "ال": "al", "حداد": "haddad", "خوري": "khoury",
	"يحيى": "yahya", "زكريا": "zakariya", "انور": "anwar", "ماجد": "majid", "رامي": "rami", "هاني": "hani",
}

// arabicLetters transliterates letters not covered by a dictionary word.
var arabicLetters = map[rune]string{
	'ا': "a", 'أ': "a", 'إ': "i", 'آ': "a", 'ٱ': "a", 'ب': "b", 'ت': "t", 'ث': "th", 'ج': "j",
	'ح': "h", 'خ': "kh", 'د': "d", 'ذ': "dh", 'ر': "r", 'ز': "z", 'س': "s", 'ش': "sh", 'ص': "s",
	'ض': "d", 'ط': "t", 'ظ': "z", 'ع': "", 'غ': "gh", 'ف': "f", 'ق': "q", 'ك': "k", 'ل': "l",
	'م': "m", 'ن': "n", 'ه': "h", 'و': "w", 'ي': "y", 'ى': "a", 'ة': "a", 'ء': "", 'ؤ': "u",
	'ئ': "i", 'پ': "p", 'چ': "ch", 'ژ': "zh", 'گ': "g", 'ک': "k", 'ی': "y", 'ۀ': "a",
	// vowel marks, when written
	'\u064E': "a", '\u064F': "u", '\u0650': "i", '\u064B': "an", '\u064C': "un", '\u064D': "in",
	'\u0652': "", '\u0670': "a", '\u0640': "", // sukun, dagger alif, tatweel
	// Arabic-Indic digits
	'٠': "0", '١': "1", '٢': "2", '٣': "3", '٤': "4", '٥': "5", '٦': "6", '٧': "7", '٨': "8", '٩': "9",
	'۰': "0", '۱': "1", '۲': "2", '۳': "3", '۴': "4", '۵': "5", '۶': "6", '۷': "7", '۸': "8", '۹': "9",
	'،': ",", '؛': ";", '؟': "?",
}

// arabicToLatin transliterates a run of Arabic-script text word by word.
func arabicToLatin(s string) string {
	words := strings.Fields(s)
	out := make([]string, 0, len(words))
	for _, w := range words {
		out = append(out, arabicWord(w))
	}
	return strings.Join(out, " ")
}

func arabicWord(w string) string {
	bare := stripMarks(w)
	if lat, ok := arabicNames[bare]; ok {
		return lat
	}
	// The article al- is written joined to its noun.
	if strings.HasPrefix(bare, "ال") && len([]rune(bare)) > 3 {
		return "al " + arabicWord(strings.TrimPrefix(bare, "ال"))
	}
	if strings.HasPrefix(bare, "عبد") && len([]rune(bare)) > 4 { // Abd + name of God, written joined
		return "abd " + arabicWord(strings.TrimPrefix(bare, "عبد"))
	}
	var b strings.Builder
	runes := []rune(w)
	for i, r := range runes {
		switch {
		case r == '\u0651': // shadda doubles the consonant before it
			if i > 0 {
				b.WriteString(arabicLetters[runes[i-1]])
			}
		case r == 'و' && i > 0:
			b.WriteString("u") // long vowel inside a word
		case r == 'ي' && i > 0 && i < len(runes)-1:
			b.WriteString("i")
		default:
			if lat, ok := arabicLetters[r]; ok {
				b.WriteString(lat)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// stripMarks removes optional vowel marks and tatweel, and unifies the
// hamza forms of alif, so dictionary lookups see the bare word.
func stripMarks(w string) string {
	var b strings.Builder
	for _, r := range w {
		switch {
		case r >= '\u064B' && r <= '\u0652', r == '\u0670', r == '\u0640':
			continue
		case r == 'أ' || r == 'إ' || r == 'آ' || r == 'ٱ':
			b.WriteRune('ا')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
