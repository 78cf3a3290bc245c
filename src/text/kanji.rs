//! The kanji-variant table (異体字表): variant → canonical (common) form.
//!
//! Written for `onshi` pair by pair and reviewed by hand; nothing here is imported from another
//! data set. Each pair carries the basis on which it was accepted ([`Basis`]). The canonical
//! form is the one used by 常用漢字表 / JIS X 0208 (the form an insurer falls back to when it
//! cannot print the variant), so a name registered as 髙橋 and returned as 高橋 compares as
//! equivalent with [`Reason::KanjiVariant`](super::Reason::KanjiVariant).
//!
//! Decisions:
//!
//! * 齋 → 斎 and 齊 → 斉: 斎 and 斉 are different characters (斎藤 and 斉藤 are different
//!   names), so each old form folds only to its own new form; 斎 and 斉 never meet.
//! * 龍 and 竜 are **not** folded. Both are everyday name characters chosen on purpose
//!   (龍之介, 竜也), both are in JIS X 0208 and shown by the national system as they are, so a
//!   difference between them is a real spelling difference for staff to check.
//! * 凜/凛, 舘 → 館 and 薗 → 園 are judgement calls; 凜/凛 are kept apart (both are 人名用漢字 in
//!   their own right), 舘 and 薗 fold because insurers print the common form for them.
//! * CJK Compatibility Ideographs (U+F900–U+FAFF, U+2F800–U+2FA1F) that have a canonical
//!   decomposition fold to it everywhere (see [`kanji_variant`]); the ones common in names are
//!   also listed here so that the table documents them. U+FA11 﨑 has no decomposition (it is a
//!   unified ideograph in the compatibility block) and is folded by the table only.

/// Why a pair is in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Basis {
    /// 戸籍法施行規則 別表第二 二 (人名用漢字 that are 異体字 of 常用漢字): 旧字体 → 新字体.
    Jinmei,
    /// 常用漢字表: the 康熙字典体 printed in brackets beside the 常用漢字.
    Joyo,
    /// Unicode canonical decomposition of a CJK Compatibility Ideograph (JIS X 0213 互換漢字);
    /// the target is the decomposition, resolved once more through this table.
    Compat,
    /// 俗字 / 異体字 common in 戸籍 names and place names (JIS X 0213 第3・第4水準 forms), which
    /// insurers replace with the JIS X 0208 form (髙 → 高, 﨑 → 崎, 𠮷 → 吉, 栁 → 柳).
    Itaiji,
}

use Basis::{Compat, Itaiji, Jinmei, Joyo};

/// Every pair, sorted by the variant's code point (binary search). The comment shows the glyphs.
pub(crate) static TABLE: &[(char, char, Basis)] = &[
    ('\u{4E58}', '\u{4E57}', Jinmei),  // 乘 → 乗
    ('\u{4E82}', '\u{4E71}', Joyo),    // 亂 → 乱
    ('\u{4E99}', '\u{4E98}', Jinmei),  // 亙 → 亘
    ('\u{4E9E}', '\u{4E9C}', Jinmei),  // 亞 → 亜
    ('\u{4F5B}', '\u{4ECF}', Jinmei),  // 佛 → 仏
    ('\u{4F86}', '\u{6765}', Jinmei),  // 來 → 来
    ('\u{5002}', '\u{4F75}', Itaiji),  // 倂 → 併
    ('\u{5047}', '\u{4EEE}', Joyo),    // 假 → 仮
    ('\u{50B3}', '\u{4F1D}', Jinmei),  // 傳 → 伝
    ('\u{50DE}', '\u{507D}', Jinmei),  // 僞 → 偽
    ('\u{50F9}', '\u{4FA1}', Jinmei),  // 價 → 価
    ('\u{5109}', '\u{5039}', Jinmei),  // 儉 → 倹
    ('\u{5152}', '\u{5150}', Jinmei),  // 兒 → 児
    ('\u{5154}', '\u{514E}', Itaiji),  // 兔 → 兎
    ('\u{5167}', '\u{5185}', Itaiji),  // 內 → 内
    ('\u{5169}', '\u{4E21}', Joyo),    // 兩 → 両
    ('\u{51A8}', '\u{5BCC}', Jinmei),  // 冨 → 富
    ('\u{51A9}', '\u{5199}', Itaiji),  // 冩 → 写
    ('\u{51C9}', '\u{6DBC}', Jinmei),  // 凉 → 涼
    ('\u{51DE}', '\u{7199}', Itaiji),  // 凞 → 熙
    ('\u{5269}', '\u{5270}', Jinmei),  // 剩 → 剰
    ('\u{528D}', '\u{5263}', Jinmei),  // 劍 → 剣
    ('\u{5291}', '\u{5264}', Joyo),    // 劑 → 剤
    ('\u{52DE}', '\u{52B4}', Joyo),    // 勞 → 労
    ('\u{52F3}', '\u{52F2}', Jinmei),  // 勳 → 勲
    ('\u{52F5}', '\u{52B1}', Joyo),    // 勵 → 励
    ('\u{5340}', '\u{533A}', Joyo),    // 區 → 区
    ('\u{5377}', '\u{5DFB}', Jinmei),  // 卷 → 巻
    ('\u{537D}', '\u{5373}', Jinmei),  // 卽 → 即
    ('\u{53C3}', '\u{53C2}', Joyo),    // 參 → 参
    ('\u{5433}', '\u{5449}', Itaiji),  // 吳 → 呉
    ('\u{55AE}', '\u{5358}', Jinmei),  // 單 → 単
    ('\u{56B4}', '\u{53B3}', Jinmei),  // 嚴 → 厳
    ('\u{5708}', '\u{570F}', Jinmei),  // 圈 → 圏
    ('\u{570B}', '\u{56FD}', Jinmei),  // 國 → 国
    ('\u{570D}', '\u{56F2}', Joyo),    // 圍 → 囲
    ('\u{5713}', '\u{5186}', Jinmei),  // 圓 → 円
    ('\u{5718}', '\u{56E3}', Jinmei),  // 團 → 団
    ('\u{57DC}', '\u{91CE}', Jinmei),  // 埜 → 野
    ('\u{582F}', '\u{5C2D}', Jinmei),  // 堯 → 尭
    ('\u{589E}', '\u{5897}', Jinmei),  // 增 → 増
    ('\u{58AE}', '\u{5815}', Joyo),    // 墮 → 堕
    ('\u{58D3}', '\u{5727}', Joyo),    // 壓 → 圧
    ('\u{58D8}', '\u{5841}', Jinmei),  // 壘 → 塁
    ('\u{58DE}', '\u{58CA}', Jinmei),  // 壞 → 壊
    ('\u{58EF}', '\u{58EE}', Jinmei),  // 壯 → 壮
    ('\u{58FD}', '\u{5BFF}', Jinmei),  // 壽 → 寿
    ('\u{5967}', '\u{5965}', Jinmei),  // 奧 → 奥
    ('\u{596C}', '\u{5968}', Jinmei),  // 奬 → 奨
    ('\u{59CA}', '\u{59C9}', Itaiji),  // 姊 → 姉
    ('\u{59EC}', '\u{59EB}', Itaiji),  // 姬 → 姫
    ('\u{5A1B}', '\u{5A2F}', Itaiji),  // 娛 → 娯
    ('\u{5B43}', '\u{5B22}', Jinmei),  // 孃 → 嬢
    ('\u{5B78}', '\u{5B66}', Joyo),    // 學 → 学
    ('\u{5BE2}', '\u{5BDD}', Jinmei),  // 寢 → 寝
    ('\u{5BE6}', '\u{5B9F}', Jinmei),  // 實 → 実
    ('\u{5BEB}', '\u{5199}', Joyo),    // 寫 → 写
    ('\u{5BEC}', '\u{5BDB}', Jinmei),  // 寬 → 寛
    ('\u{5BF6}', '\u{5B9D}', Joyo),    // 寶 → 宝
    ('\u{5C07}', '\u{5C06}', Jinmei),  // 將 → 将
    ('\u{5C08}', '\u{5C02}', Jinmei),  // 專 → 専
    ('\u{5C0D}', '\u{5BFE}', Joyo),    // 對 → 対
    ('\u{5C19}', '\u{5C1A}', Itaiji),  // 尙 → 尚
    ('\u{5C46}', '\u{5C4A}', Itaiji),  // 屆 → 届
    ('\u{5C6C}', '\u{5C5E}', Joyo),    // 屬 → 属
    ('\u{5CE9}', '\u{5CE8}', Itaiji),  // 峩 → 峨
    ('\u{5CEF}', '\u{5CF0}', Jinmei),  // 峯 → 峰
    ('\u{5CFD}', '\u{5CE1}', Jinmei),  // 峽 → 峡
    ('\u{5D5C}', '\u{5D0E}', Itaiji),  // 嵜 → 崎
    ('\u{5D8B}', '\u{5CF6}', Jinmei),  // 嶋 → 島
    ('\u{5D8C}', '\u{5CF6}', Itaiji),  // 嶌 → 島
    ('\u{5DBD}', '\u{5CB3}', Joyo),    // 嶽 → 岳
    ('\u{5DD6}', '\u{5DCC}', Jinmei),  // 巖 → 巌
    ('\u{5DE2}', '\u{5DE3}', Jinmei),  // 巢 → 巣
    ('\u{5E36}', '\u{5E2F}', Jinmei),  // 帶 → 帯
    ('\u{5EE2}', '\u{5EC3}', Joyo),    // 廢 → 廃
    ('\u{5EE3}', '\u{5E83}', Jinmei),  // 廣 → 広
    ('\u{5EF3}', '\u{5E81}', Jinmei),  // 廳 → 庁
    ('\u{5F3A}', '\u{5F37}', Itaiji),  // 强 → 強
    ('\u{5F48}', '\u{5F3E}', Jinmei),  // 彈 → 弾
    ('\u{5F4C}', '\u{5F25}', Jinmei),  // 彌 → 弥
    ('\u{5F65}', '\u{5F66}', Itaiji),  // 彥 → 彦
    ('\u{5F91}', '\u{5F84}', Joyo),    // 徑 → 径
    ('\u{5F9E}', '\u{5F93}', Jinmei),  // 從 → 従
    ('\u{5FB5}', '\u{5FB4}', Jinmei),  // 徵 → 徴
    ('\u{5FB7}', '\u{5FB3}', Jinmei),  // 德 → 徳
    ('\u{6046}', '\u{6052}', Jinmei),  // 恆 → 恒
    ('\u{6085}', '\u{60A6}', Itaiji),  // 悅 → 悦
    ('\u{60E0}', '\u{6075}', Jinmei),  // 惠 → 恵
    ('\u{60E1}', '\u{60AA}', Jinmei),  // 惡 → 悪
    ('\u{60F1}', '\u{60A9}', Joyo),    // 惱 → 悩
    ('\u{613C}', '\u{614E}', Jinmei),  // 愼 → 慎
    ('\u{61C9}', '\u{5FDC}', Jinmei),  // 應 → 応
    ('\u{61F7}', '\u{61D0}', Jinmei),  // 懷 → 懐
    ('\u{6230}', '\u{6226}', Jinmei),  // 戰 → 戦
    ('\u{6232}', '\u{622F}', Jinmei),  // 戲 → 戯
    ('\u{6236}', '\u{6238}', Itaiji),  // 戶 → 戸
    ('\u{62C2}', '\u{6255}', Jinmei),  // 拂 → 払
    ('\u{62D4}', '\u{629C}', Jinmei),  // 拔 → 抜
    ('\u{62DC}', '\u{62DD}', Jinmei),  // 拜 → 拝
    ('\u{63ED}', '\u{63B2}', Jinmei),  // 揭 → 掲
    ('\u{6416}', '\u{63FA}', Jinmei),  // 搖 → 揺
    ('\u{641C}', '\u{635C}', Jinmei),  // 搜 → 捜
    ('\u{64C7}', '\u{629E}', Joyo),    // 擇 → 択
    ('\u{64CA}', '\u{6483}', Jinmei),  // 擊 → 撃
    ('\u{64D4}', '\u{62C5}', Joyo),    // 擔 → 担
    ('\u{64E7}', '\u{6319}', Joyo),    // 擧 → 挙
    ('\u{64F4}', '\u{62E1}', Joyo),    // 擴 → 拡
    ('\u{651D}', '\u{6442}', Jinmei),  // 攝 → 摂
    ('\u{6536}', '\u{53CE}', Jinmei),  // 收 → 収
    ('\u{6548}', '\u{52B9}', Joyo),    // 效 → 効
    ('\u{654D}', '\u{53D9}', Jinmei),  // 敍 → 叙
    ('\u{654E}', '\u{6559}', Itaiji),  // 敎 → 教
    ('\u{65B7}', '\u{65AD}', Joyo),    // 斷 → 断
    ('\u{65E3}', '\u{65E2}', Itaiji),  // 旣 → 既
    ('\u{6649}', '\u{664B}', Itaiji),  // 晉 → 晋
    ('\u{665A}', '\u{6669}', Jinmei),  // 晚 → 晩
    ('\u{665D}', '\u{663C}', Jinmei),  // 晝 → 昼
    ('\u{66C6}', '\u{66A6}', Jinmei),  // 曆 → 暦
    ('\u{66C9}', '\u{6681}', Jinmei),  // 曉 → 暁
    ('\u{66FB}', '\u{6607}', Itaiji),  // 曻 → 昇
    ('\u{66FE}', '\u{66FD}', Jinmei),  // 曾 → 曽
    ('\u{6703}', '\u{4F1A}', Joyo),    // 會 → 会
    ('\u{6801}', '\u{67F3}', Itaiji),  // 栁 → 柳
    ('\u{6852}', '\u{6851}', Itaiji),  // 桒 → 桑
    ('\u{689D}', '\u{6761}', Jinmei),  // 條 → 条
    ('\u{69AE}', '\u{6804}', Jinmei),  // 榮 → 栄
    ('\u{69C7}', '\u{69D9}', Itaiji),  // 槇 → 槙
    ('\u{6A02}', '\u{697D}', Jinmei),  // 樂 → 楽
    ('\u{6A13}', '\u{697C}', Joyo),    // 樓 → 楼
    ('\u{6A23}', '\u{69D8}', Jinmei),  // 樣 → 様
    ('\u{6A6B}', '\u{6A2A}', Jinmei),  // 橫 → 横
    ('\u{6A9C}', '\u{6867}', Itaiji),  // 檜 → 桧
    ('\u{6AA2}', '\u{691C}', Jinmei),  // 檢 → 検
    ('\u{6AFB}', '\u{685C}', Jinmei),  // 櫻 → 桜
    ('\u{6B0A}', '\u{6A29}', Joyo),    // 權 → 権
    ('\u{6B50}', '\u{6B27}', Joyo),    // 歐 → 欧
    ('\u{6B61}', '\u{6B53}', Joyo),    // 歡 → 歓
    ('\u{6B65}', '\u{6B69}', Jinmei),  // 步 → 歩
    ('\u{6B72}', '\u{6B73}', Joyo),    // 歲 → 歳
    ('\u{6B77}', '\u{6B74}', Jinmei),  // 歷 → 歴
    ('\u{6B98}', '\u{6B8B}', Joyo),    // 殘 → 残
    ('\u{6BC6}', '\u{6BB4}', Joyo),    // 毆 → 殴
    ('\u{6BCF}', '\u{6BCE}', Jinmei),  // 每 → 毎
    ('\u{6C23}', '\u{6C17}', Jinmei),  // 氣 → 気
    ('\u{6C92}', '\u{6CA1}', Joyo),    // 沒 → 没
    ('\u{6D89}', '\u{6E09}', Jinmei),  // 涉 → 渉
    ('\u{6DDA}', '\u{6D99}', Jinmei),  // 淚 → 涙
    ('\u{6DE8}', '\u{6D44}', Jinmei),  // 淨 → 浄
    ('\u{6DF8}', '\u{6E05}', Itaiji),  // 淸 → 清
    ('\u{6DFA}', '\u{6D45}', Joyo),    // 淺 → 浅
    ('\u{6E15}', '\u{6DF5}', Itaiji),  // 渕 → 淵
    ('\u{6E34}', '\u{6E07}', Jinmei),  // 渴 → 渇
    ('\u{6EAB}', '\u{6E29}', Jinmei),  // 溫 → 温
    ('\u{6EEF}', '\u{6EDE}', Jinmei),  // 滯 → 滞
    ('\u{6F5B}', '\u{6F5C}', Joyo),    // 潛 → 潜
    ('\u{6F81}', '\u{6E0B}', Jinmei),  // 澁 → 渋
    ('\u{6FA4}', '\u{6CA2}', Joyo),    // 澤 → 沢
    ('\u{6FD5}', '\u{6E7F}', Jinmei),  // 濕 → 湿
    ('\u{6FDF}', '\u{6E08}', Joyo),    // 濟 → 済
    ('\u{6FF1}', '\u{6D5C}', Joyo),    // 濱 → 浜
    ('\u{6FF5}', '\u{6D5C}', Itaiji),  // 濵 → 浜
    ('\u{7027}', '\u{6EDD}', Jinmei),  // 瀧 → 滝
    ('\u{7028}', '\u{702C}', Jinmei),  // 瀨 → 瀬
    ('\u{7063}', '\u{6E7E}', Joyo),    // 灣 → 湾
    ('\u{7155}', '\u{7199}', Itaiji),  // 煕 → 熙
    ('\u{71C8}', '\u{706F}', Jinmei),  // 燈 → 灯
    ('\u{71D2}', '\u{713C}', Jinmei),  // 燒 → 焼
    ('\u{71DF}', '\u{55B6}', Joyo),    // 營 → 営
    ('\u{7210}', '\u{7089}', Joyo),    // 爐 → 炉
    ('\u{722D}', '\u{4E89}', Jinmei),  // 爭 → 争
    ('\u{7232}', '\u{70BA}', Jinmei),  // 爲 → 為
    ('\u{72C0}', '\u{72B6}', Jinmei),  // 狀 → 状
    ('\u{72F9}', '\u{72ED}', Jinmei),  // 狹 → 狭
    ('\u{7368}', '\u{72EC}', Joyo),    // 獨 → 独
    ('\u{7375}', '\u{731F}', Joyo),    // 獵 → 猟
    ('\u{7378}', '\u{7363}', Jinmei),  // 獸 → 獣
    ('\u{737B}', '\u{732E}', Joyo),    // 獻 → 献
    ('\u{7464}', '\u{7476}', Jinmei),  // 瑤 → 瑶
    ('\u{74E3}', '\u{5F01}', Joyo),    // 瓣 → 弁
    ('\u{7501}', '\u{74F6}', Joyo),    // 甁 → 瓶
    ('\u{756B}', '\u{753B}', Joyo),    // 畫 → 画
    ('\u{7576}', '\u{5F53}', Joyo),    // 當 → 当
    ('\u{758A}', '\u{7573}', Jinmei),  // 疊 → 畳
    ('\u{7626}', '\u{75E9}', Jinmei),  // 瘦 → 痩
    ('\u{767C}', '\u{767A}', Joyo),    // 發 → 発
    ('\u{76C3}', '\u{676F}', Jinmei),  // 盃 → 杯
    ('\u{76DC}', '\u{76D7}', Jinmei),  // 盜 → 盗
    ('\u{76E1}', '\u{5C3D}', Jinmei),  // 盡 → 尽
    ('\u{771E}', '\u{771F}', Jinmei),  // 眞 → 真
    ('\u{788E}', '\u{7815}', Jinmei),  // 碎 → 砕
    ('\u{7955}', '\u{79D8}', Jinmei),  // 祕 → 秘
    ('\u{79AA}', '\u{7985}', Jinmei),  // 禪 → 禅
    ('\u{79AE}', '\u{793C}', Jinmei),  // 禮 → 礼
    ('\u{79B0}', '\u{7962}', Itaiji),  // 禰 → 祢
    ('\u{7A05}', '\u{7A0E}', Itaiji),  // 稅 → 税
    ('\u{7A31}', '\u{79F0}', Joyo),    // 稱 → 称
    ('\u{7A3B}', '\u{7A32}', Jinmei),  // 稻 → 稲
    ('\u{7A57}', '\u{7A42}', Jinmei),  // 穗 → 穂
    ('\u{7A70}', '\u{7A63}', Jinmei),  // 穰 → 穣
    ('\u{7ACA}', '\u{7A83}', Joyo),    // 竊 → 窃
    ('\u{7ADD}', '\u{4E26}', Joyo),    // 竝 → 並
    ('\u{7BED}', '\u{7C60}', Itaiji),  // 篭 → 籠
    ('\u{7CB9}', '\u{7C8B}', Jinmei),  // 粹 → 粋
    ('\u{7D55}', '\u{7D76}', Itaiji),  // 絕 → 絶
    ('\u{7D72}', '\u{7CF8}', Joyo),    // 絲 → 糸
    ('\u{7D93}', '\u{7D4C}', Joyo),    // 經 → 経
    ('\u{7DA0}', '\u{7DD1}', Jinmei),  // 綠 → 緑
    ('\u{7DD6}', '\u{7DD2}', Jinmei),  // 緖 → 緒
    ('\u{7DE3}', '\u{7E01}', Jinmei),  // 緣 → 縁
    ('\u{7E23}', '\u{770C}', Jinmei),  // 縣 → 県
    ('\u{7E31}', '\u{7E26}', Jinmei),  // 縱 → 縦
    ('\u{7E3D}', '\u{7DCF}', Joyo),    // 總 → 総
    ('\u{7E6A}', '\u{7D75}', Joyo),    // 繪 → 絵
    ('\u{7E7C}', '\u{7D99}', Joyo),    // 繼 → 継
    ('\u{7E8C}', '\u{7D9A}', Joyo),    // 續 → 続
    ('\u{7E96}', '\u{7E4A}', Jinmei),  // 纖 → 繊
    ('\u{7F3A}', '\u{6B20}', Joyo),    // 缺 → 欠
    ('\u{7F50}', '\u{7F36}', Joyo),    // 罐 → 缶
    ('\u{8070}', '\u{8061}', Itaiji),  // 聰 → 聡
    ('\u{8072}', '\u{58F0}', Joyo),    // 聲 → 声
    ('\u{807D}', '\u{8074}', Jinmei),  // 聽 → 聴
    ('\u{8085}', '\u{7C9B}', Joyo),    // 肅 → 粛
    ('\u{812B}', '\u{8131}', Itaiji),  // 脫 → 脱
    ('\u{8166}', '\u{8133}', Joyo),    // 腦 → 脳
    ('\u{81BD}', '\u{80C6}', Joyo),    // 膽 → 胆
    ('\u{81DF}', '\u{81D3}', Jinmei),  // 臟 → 臓
    ('\u{81FA}', '\u{53F0}', Joyo),    // 臺 → 台
    ('\u{8207}', '\u{4E0E}', Jinmei),  // 與 → 与
    ('\u{820A}', '\u{65E7}', Joyo),    // 舊 → 旧
    ('\u{820D}', '\u{820E}', Itaiji),  // 舍 → 舎
    ('\u{8218}', '\u{9928}', Itaiji),  // 舘 → 館
    ('\u{838A}', '\u{8358}', Jinmei),  // 莊 → 荘
    ('\u{8396}', '\u{830E}', Joyo),    // 莖 → 茎
    ('\u{8420}', '\u{840C}', Itaiji),  // 萠 → 萌
    ('\u{842C}', '\u{4E07}', Jinmei),  // 萬 → 万
    ('\u{8597}', '\u{5712}', Jinmei),  // 薗 → 園
    ('\u{85B0}', '\u{85AB}', Jinmei),  // 薰 → 薫
    ('\u{85CF}', '\u{8535}', Jinmei),  // 藏 → 蔵
    ('\u{85DD}', '\u{82B8}', Jinmei),  // 藝 → 芸
    ('\u{85E5}', '\u{85AC}', Jinmei),  // 藥 → 薬
    ('\u{8655}', '\u{51E6}', Joyo),    // 處 → 処
    ('\u{865B}', '\u{865A}', Jinmei),  // 虛 → 虚
    ('\u{865F}', '\u{53F7}', Joyo),    // 號 → 号
    ('\u{87A2}', '\u{86CD}', Joyo),    // 螢 → 蛍
    ('\u{87F2}', '\u{866B}', Joyo),    // 蟲 → 虫
    ('\u{8836}', '\u{8695}', Joyo),    // 蠶 → 蚕
    ('\u{883B}', '\u{86EE}', Joyo),    // 蠻 → 蛮
    ('\u{885E}', '\u{885B}', Jinmei),  // 衞 → 衛
    ('\u{88DD}', '\u{88C5}', Jinmei),  // 裝 → 装
    ('\u{89BA}', '\u{899A}', Joyo),    // 覺 → 覚
    ('\u{89BD}', '\u{89A7}', Jinmei),  // 覽 → 覧
    ('\u{89C0}', '\u{89B3}', Joyo),    // 觀 → 観
    ('\u{89F8}', '\u{89E6}', Joyo),    // 觸 → 触
    ('\u{8AAA}', '\u{8AAC}', Itaiji),  // 說 → 説
    ('\u{8B20}', '\u{8B21}', Jinmei),  // 謠 → 謡
    ('\u{8B49}', '\u{8A3C}', Joyo),    // 證 → 証
    ('\u{8B6F}', '\u{8A33}', Joyo),    // 譯 → 訳
    ('\u{8B80}', '\u{8AAD}', Joyo),    // 讀 → 読
    ('\u{8B8A}', '\u{5909}', Joyo),    // 變 → 変
    ('\u{8B93}', '\u{8B72}', Jinmei),  // 讓 → 譲
    ('\u{8B9A}', '\u{8B83}', Itaiji),  // 讚 → 讃
    ('\u{8C50}', '\u{8C4A}', Joyo),    // 豐 → 豊
    ('\u{8C6B}', '\u{4E88}', Joyo),    // 豫 → 予
    ('\u{8C6C}', '\u{732A}', Itaiji),  // 豬 → 猪
    ('\u{8CB3}', '\u{5F10}', Joyo),    // 貳 → 弐
    ('\u{8CE3}', '\u{58F2}', Jinmei),  // 賣 → 売
    ('\u{8CF4}', '\u{983C}', Jinmei),  // 賴 → 頼
    ('\u{8D0A}', '\u{8CDB}', Joyo),    // 贊 → 賛
    ('\u{8F15}', '\u{8EFD}', Joyo),    // 輕 → 軽
    ('\u{8F49}', '\u{8EE2}', Jinmei),  // 轉 → 転
    ('\u{8FA8}', '\u{5F01}', Joyo),    // 辨 → 弁
    ('\u{8FAD}', '\u{8F9E}', Joyo),    // 辭 → 辞
    ('\u{8FAF}', '\u{5F01}', Joyo),    // 辯 → 弁
    ('\u{9059}', '\u{9065}', Jinmei),  // 遙 → 遥
    ('\u{9072}', '\u{9045}', Joyo),    // 遲 → 遅
    ('\u{9089}', '\u{8FBA}', Itaiji),  // 邉 → 辺
    ('\u{908A}', '\u{8FBA}', Joyo),    // 邊 → 辺
    ('\u{90DE}', '\u{90CE}', Jinmei),  // 郞 → 郎
    ('\u{9109}', '\u{90F7}', Itaiji),  // 鄉 → 郷
    ('\u{9115}', '\u{90F7}', Itaiji),  // 鄕 → 郷
    ('\u{9189}', '\u{9154}', Jinmei),  // 醉 → 酔
    ('\u{91AB}', '\u{533B}', Joyo),    // 醫 → 医
    ('\u{91C0}', '\u{91B8}', Jinmei),  // 釀 → 醸
    ('\u{91CB}', '\u{91C8}', Joyo),    // 釋 → 釈
    ('\u{92B3}', '\u{92ED}', Itaiji),  // 銳 → 鋭
    ('\u{9304}', '\u{9332}', Jinmei),  // 錄 → 録
    ('\u{9322}', '\u{92AD}', Joyo),    // 錢 → 銭
    ('\u{934A}', '\u{932C}', Jinmei),  // 鍊 → 錬
    ('\u{93AD}', '\u{93AE}', Jinmei),  // 鎭 → 鎮
    ('\u{9435}', '\u{9244}', Joyo),    // 鐵 → 鉄
    ('\u{9444}', '\u{92F3}', Jinmei),  // 鑄 → 鋳
    ('\u{945B}', '\u{9271}', Joyo),    // 鑛 → 鉱
    ('\u{95B1}', '\u{95B2}', Itaiji),  // 閱 → 閲
    ('\u{95DC}', '\u{95A2}', Joyo),    // 關 → 関
    ('\u{9677}', '\u{9665}', Jinmei),  // 陷 → 陥
    ('\u{96AA}', '\u{967A}', Jinmei),  // 險 → 険
    ('\u{96B1}', '\u{96A0}', Joyo),    // 隱 → 隠
    ('\u{96D9}', '\u{53CC}', Joyo),    // 雙 → 双
    ('\u{96DC}', '\u{96D1}', Jinmei),  // 雜 → 雑
    ('\u{9748}', '\u{970A}', Joyo),    // 靈 → 霊
    ('\u{9751}', '\u{9752}', Itaiji),  // 靑 → 青
    ('\u{975C}', '\u{9759}', Jinmei),  // 靜 → 静
    ('\u{986F}', '\u{9855}', Jinmei),  // 顯 → 顕
    ('\u{98DC}', '\u{7FFB}', Jinmei),  // 飜 → 翻
    ('\u{9918}', '\u{4F59}', Joyo),    // 餘 → 余
    ('\u{99C8}', '\u{99C6}', Jinmei),  // 駈 → 駆
    ('\u{9A37}', '\u{9A12}', Jinmei),  // 騷 → 騒
    ('\u{9A45}', '\u{99C6}', Joyo),    // 驅 → 駆
    ('\u{9A57}', '\u{9A13}', Jinmei),  // 驗 → 験
    ('\u{9A5B}', '\u{99C5}', Joyo),    // 驛 → 駅
    ('\u{9AD4}', '\u{4F53}', Joyo),    // 體 → 体
    ('\u{9AD9}', '\u{9AD8}', Itaiji),  // 髙 → 高
    ('\u{9AEE}', '\u{9AEA}', Jinmei),  // 髮 → 髪
    ('\u{9B2A}', '\u{95D8}', Joyo),    // 鬪 → 闘
    ('\u{9DC4}', '\u{9D8F}', Jinmei),  // 鷄 → 鶏
    ('\u{9DD7}', '\u{9D0E}', Itaiji),  // 鷗 → 鴎
    ('\u{9E7D}', '\u{5869}', Joyo),    // 鹽 → 塩
    ('\u{9EA5}', '\u{9EA6}', Joyo),    // 麥 → 麦
    ('\u{9EB4}', '\u{9EB9}', Itaiji),  // 麴 → 麹
    ('\u{9EC3}', '\u{9EC4}', Jinmei),  // 黃 → 黄
    ('\u{9ED1}', '\u{9ED2}', Jinmei),  // 黑 → 黒
    ('\u{9ED8}', '\u{9ED9}', Jinmei),  // 默 → 黙
    ('\u{9EDE}', '\u{70B9}', Joyo),    // 點 → 点
    ('\u{9EE8}', '\u{515A}', Joyo),    // 黨 → 党
    ('\u{9F4A}', '\u{6589}', Jinmei),  // 齊 → 斉
    ('\u{9F4B}', '\u{658E}', Joyo),    // 齋 → 斎
    ('\u{9F52}', '\u{6B6F}', Joyo),    // 齒 → 歯
    ('\u{9F9C}', '\u{4E80}', Joyo),    // 龜 → 亀
    ('\u{F907}', '\u{4E80}', Compat),  // 龜 → 亀
    ('\u{F908}', '\u{4E80}', Compat),  // 龜 → 亀
    ('\u{F91D}', '\u{6B04}', Compat),  // 欄 → 欄
    ('\u{F928}', '\u{5ECA}', Compat),  // 廊 → 廊
    ('\u{F929}', '\u{6717}', Compat),  // 朗 → 朗
    ('\u{F936}', '\u{865C}', Compat),  // 虜 → 虜
    ('\u{F9D0}', '\u{985E}', Compat),  // 類 → 類
    ('\u{F9DC}', '\u{9686}', Compat),  // 隆 → 隆
    ('\u{FA10}', '\u{585A}', Compat),  // 塚 → 塚
    ('\u{FA11}', '\u{5D0E}', Itaiji),  // 﨑 → 崎
    ('\u{FA12}', '\u{6674}', Compat),  // 晴 → 晴
    ('\u{FA15}', '\u{7199}', Compat),  // 凞 → 熙
    ('\u{FA16}', '\u{732A}', Compat),  // 猪 → 猪
    ('\u{FA17}', '\u{76CA}', Compat),  // 益 → 益
    ('\u{FA18}', '\u{793C}', Compat),  // 礼 → 礼
    ('\u{FA19}', '\u{795E}', Compat),  // 神 → 神
    ('\u{FA1A}', '\u{7965}', Compat),  // 祥 → 祥
    ('\u{FA1B}', '\u{798F}', Compat),  // 福 → 福
    ('\u{FA1C}', '\u{9756}', Compat),  // 靖 → 靖
    ('\u{FA1D}', '\u{7CBE}', Compat),  // 精 → 精
    ('\u{FA1E}', '\u{7FBD}', Compat),  // 羽 → 羽
    ('\u{FA22}', '\u{8AF8}', Compat),  // 諸 → 諸
    ('\u{FA25}', '\u{9038}', Compat),  // 逸 → 逸
    ('\u{FA26}', '\u{90FD}', Compat),  // 都 → 都
    ('\u{FA2A}', '\u{98EF}', Compat),  // 飯 → 飯
    ('\u{FA2B}', '\u{98FC}', Compat),  // 飼 → 飼
    ('\u{FA2C}', '\u{9928}', Compat),  // 館 → 館
    ('\u{FA2D}', '\u{9DB4}', Compat),  // 鶴 → 鶴
    ('\u{FA30}', '\u{4FAE}', Compat),  // 侮 → 侮
    ('\u{FA31}', '\u{50E7}', Compat),  // 僧 → 僧
    ('\u{FA32}', '\u{514D}', Compat),  // 免 → 免
    ('\u{FA33}', '\u{52C9}', Compat),  // 勉 → 勉
    ('\u{FA34}', '\u{52E4}', Compat),  // 勤 → 勤
    ('\u{FA35}', '\u{5351}', Compat),  // 卑 → 卑
    ('\u{FA36}', '\u{559D}', Compat),  // 喝 → 喝
    ('\u{FA37}', '\u{5606}', Compat),  // 嘆 → 嘆
    ('\u{FA38}', '\u{5668}', Compat),  // 器 → 器
    ('\u{FA39}', '\u{5840}', Compat),  // 塀 → 塀
    ('\u{FA3A}', '\u{58A8}', Compat),  // 墨 → 墨
    ('\u{FA3B}', '\u{5C64}', Compat),  // 層 → 層
    ('\u{FA3D}', '\u{6094}', Compat),  // 悔 → 悔
    ('\u{FA3E}', '\u{6168}', Compat),  // 慨 → 慨
    ('\u{FA3F}', '\u{618E}', Compat),  // 憎 → 憎
    ('\u{FA40}', '\u{61F2}', Compat),  // 懲 → 懲
    ('\u{FA41}', '\u{654F}', Compat),  // 敏 → 敏
    ('\u{FA42}', '\u{65E2}', Compat),  // 既 → 既
    ('\u{FA43}', '\u{6691}', Compat),  // 暑 → 暑
    ('\u{FA44}', '\u{6885}', Compat),  // 梅 → 梅
    ('\u{FA45}', '\u{6D77}', Compat),  // 海 → 海
    ('\u{FA46}', '\u{6E1A}', Compat),  // 渚 → 渚
    ('\u{FA47}', '\u{6F22}', Compat),  // 漢 → 漢
    ('\u{FA48}', '\u{716E}', Compat),  // 煮 → 煮
    ('\u{FA4A}', '\u{7422}', Compat),  // 琢 → 琢
    ('\u{FA4B}', '\u{7891}', Compat),  // 碑 → 碑
    ('\u{FA4C}', '\u{793E}', Compat),  // 社 → 社
    ('\u{FA4D}', '\u{7949}', Compat),  // 祉 → 祉
    ('\u{FA4E}', '\u{7948}', Compat),  // 祈 → 祈
    ('\u{FA4F}', '\u{7950}', Compat),  // 祐 → 祐
    ('\u{FA50}', '\u{7956}', Compat),  // 祖 → 祖
    ('\u{FA51}', '\u{795D}', Compat),  // 祝 → 祝
    ('\u{FA52}', '\u{798D}', Compat),  // 禍 → 禍
    ('\u{FA53}', '\u{798E}', Compat),  // 禎 → 禎
    ('\u{FA54}', '\u{7A40}', Compat),  // 穀 → 穀
    ('\u{FA55}', '\u{7A81}', Compat),  // 突 → 突
    ('\u{FA56}', '\u{7BC0}', Compat),  // 節 → 節
    ('\u{FA57}', '\u{7DF4}', Compat),  // 練 → 練
    ('\u{FA59}', '\u{7E41}', Compat),  // 繁 → 繁
    ('\u{FA5A}', '\u{7F72}', Compat),  // 署 → 署
    ('\u{FA5B}', '\u{8005}', Compat),  // 者 → 者
    ('\u{FA5C}', '\u{81ED}', Compat),  // 臭 → 臭
    ('\u{FA5F}', '\u{8457}', Compat),  // 著 → 著
    ('\u{FA60}', '\u{8910}', Compat),  // 褐 → 褐
    ('\u{FA61}', '\u{8996}', Compat),  // 視 → 視
    ('\u{FA62}', '\u{8B01}', Compat),  // 謁 → 謁
    ('\u{FA63}', '\u{8B39}', Compat),  // 謹 → 謹
    ('\u{FA64}', '\u{8CD3}', Compat),  // 賓 → 賓
    ('\u{FA65}', '\u{8D08}', Compat),  // 贈 → 贈
    ('\u{FA67}', '\u{9038}', Compat),  // 逸 → 逸
    ('\u{FA68}', '\u{96E3}', Compat),  // 難 → 難
    ('\u{FA69}', '\u{97FF}', Compat),  // 響 → 響
    ('\u{FA6A}', '\u{983B}', Compat),  // 頻 → 頻
    ('\u{20BB7}', '\u{5409}', Itaiji), // 𠮷 → 吉
];

/// The canonical form of a variant kanji, from the table or, for a CJK Compatibility
/// Ideograph, from its canonical decomposition (resolved once more through the table).
/// `None` when `c` is not a known variant.
///
/// ```
/// use onshi::text::kanji_variant;
/// assert_eq!(kanji_variant('髙'), Some('高'));
/// assert_eq!(kanji_variant('\u{FA11}'), Some('崎')); // 﨑
/// assert_eq!(kanji_variant('\u{FA10}'), Some('塚')); // 塚 (compatibility ideograph)
/// assert_eq!(kanji_variant('𠮷'), Some('吉'));
/// assert_eq!(kanji_variant('高'), None);
/// assert_eq!(kanji_variant('龍'), None); // 龍 and 竜 are kept apart on purpose
/// ```
pub fn kanji_variant(c: char) -> Option<char> {
    if (c as u32) < 0x3400 {
        return None;
    }
    if let Some(t) = lookup(c) {
        return Some(t);
    }
    compat_decomposition(c).map(|d| lookup(d).unwrap_or(d))
}

/// Every pair of the curated table as `(variant, canonical)`, in code-point order of the
/// variant. Compatibility ideographs outside the table are folded too (see [`kanji_variant`])
/// but are not listed.
///
/// ```
/// let pairs: Vec<(char, char)> = onshi::text::kanji_variants().collect();
/// assert!(pairs.contains(&('澤', '沢')));
/// assert!(pairs.len() >= 200);
/// ```
pub fn kanji_variants() -> impl Iterator<Item = (char, char)> {
    TABLE.iter().map(|&(v, c, _)| (v, c))
}

/// One bit per BMP code point: set when the code point is a variant in [`TABLE`]. Most
/// kanji of a name are not variants, and this answers for them with one load instead of a
/// binary search.
static BMP_FILTER: [u64; 1024] = {
    let mut bits = [0u64; 1024];
    let mut i = 0;
    while i < TABLE.len() {
        let cp = TABLE[i].0 as u32;
        if cp < 0x10000 {
            bits[(cp >> 6) as usize] |= 1 << (cp & 63);
        }
        i += 1;
    }
    bits
};

/// Table lookup only.
pub(crate) fn lookup(c: char) -> Option<char> {
    let cp = c as u32;
    if cp < 0x10000 && BMP_FILTER[(cp >> 6) as usize] & (1 << (cp & 63)) == 0 {
        return None;
    }
    TABLE
        .binary_search_by_key(&c, |&(v, _, _)| v)
        .ok()
        .map(|i| TABLE[i].1)
}

/// Whether `c` lies in a CJK Compatibility Ideographs block.
pub(crate) fn is_compat_ideograph(c: char) -> bool {
    matches!(c, '\u{F900}'..='\u{FAFF}' | '\u{2F800}'..='\u{2FA1F}')
}

/// The canonical (singleton) decomposition of a CJK Compatibility Ideograph, if it has one.
pub(crate) fn compat_decomposition(c: char) -> Option<char> {
    if !is_compat_ideograph(c) {
        return None;
    }
    let mut out = None;
    let mut n = 0;
    unicode_normalization::char::decompose_canonical(c, |d| {
        n += 1;
        out = Some(d);
    });
    match out {
        Some(d) if n == 1 && d != c => Some(d),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn nfkd(c: char) -> Vec<char> {
        let mut v = Vec::new();
        unicode_normalization::char::decompose_compatible(c, |d| v.push(d));
        v
    }

    #[test]
    fn table_has_at_least_200_reviewed_pairs() {
        assert!(TABLE.len() >= 200, "only {} pairs", TABLE.len());
    }

    #[test]
    fn table_is_sorted_without_duplicates() {
        for w in TABLE.windows(2) {
            assert!(
                w[0].0 < w[1].0,
                "{:?} / {:?} out of order or duplicated",
                w[0].0,
                w[1].0
            );
        }
        let variants: HashSet<char> = TABLE.iter().map(|e| e.0).collect();
        assert_eq!(variants.len(), TABLE.len());
    }

    #[test]
    fn no_pair_maps_a_char_to_itself_and_no_chains() {
        for &(v, c, _) in TABLE {
            assert_ne!(v, c, "{v} maps to itself");
            assert!(lookup(c).is_none(), "{v} → {c} but {c} is itself a variant");
            assert!(
                kanji_variant(c).is_none(),
                "{c} (a canonical form) folds further"
            );
        }
    }

    #[test]
    fn canonical_forms_are_plain_unified_ideographs() {
        for &(v, c, _) in TABLE {
            assert_eq!(nfkd(c), vec![c], "{v} → {c}: {c} decomposes");
            assert!(
                !is_compat_ideograph(c),
                "{v} → {c}: target is a compatibility ideograph"
            );
        }
    }

    #[test]
    fn compat_entries_agree_with_unicode() {
        for &(v, c, basis) in TABLE {
            match compat_decomposition(v) {
                Some(d) => {
                    assert_eq!(
                        basis,
                        Basis::Compat,
                        "{v} decomposes but is not marked Compat"
                    );
                    assert_eq!(lookup(d).unwrap_or(d), c, "{v} → {c} but Unicode says {d}");
                }
                None => assert_ne!(
                    basis,
                    Basis::Compat,
                    "{v} marked Compat but has no decomposition"
                ),
            }
        }
    }

    #[test]
    fn filter_agrees_with_the_table() {
        for &(v, c, _) in TABLE {
            assert_eq!(lookup(v), Some(c));
        }
        let bmp_variants = TABLE.iter().filter(|e| (e.0 as u32) < 0x10000).count();
        let bits: u32 = BMP_FILTER.iter().map(|w| w.count_ones()).sum();
        assert_eq!(bits as usize, bmp_variants);
    }

    #[test]
    fn requested_pairs_are_present() {
        for (v, c) in [
            ('髙', '高'),
            ('\u{FA11}', '崎'),
            ('嵜', '崎'),
            ('邊', '辺'),
            ('邉', '辺'),
            ('齋', '斎'),
            ('齊', '斉'),
            ('澤', '沢'),
            ('濱', '浜'),
            ('廣', '広'),
            ('德', '徳'),
            ('𠮷', '吉'),
            ('國', '国'),
            ('櫻', '桜'),
            ('藏', '蔵'),
            ('將', '将'),
            ('惠', '恵'),
            ('眞', '真'),
            ('壽', '寿'),
            ('榮', '栄'),
            ('實', '実'),
            ('亞', '亜'),
            ('圓', '円'),
            ('學', '学'),
            ('團', '団'),
            ('關', '関'),
            ('靜', '静'),
            ('淺', '浅'),
            ('冨', '富'),
            ('槇', '槙'),
            ('\u{FA10}', '塚'),
            ('曾', '曽'),
            ('條', '条'),
            ('顯', '顕'),
        ] {
            assert_eq!(lookup(v), Some(c), "{v} → {c}");
        }
        assert_eq!(kanji_variant('龍'), None);
        assert_eq!(kanji_variant('竜'), None);
        assert_eq!(kanji_variant('斎'), None);
        assert_eq!(kanji_variant('斉'), None);
    }

    #[test]
    fn variants_are_ideographs() {
        for &(v, _, _) in TABLE {
            let cp = v as u32;
            assert!(
                (0x3400..=0x9FFF).contains(&cp)
                    || (0xF900..=0xFAFF).contains(&cp)
                    || (0x20000..=0x3FFFF).contains(&cp),
                "{v} is not a CJK ideograph"
            );
        }
    }

    #[test]
    fn compat_ideographs_outside_the_table_still_fold() {
        // U+F91F 蘭 (a KS X 1001 compatibility form) is not in the table.
        assert!(lookup('\u{F91F}').is_none());
        assert_eq!(kanji_variant('\u{F91F}'), Some('\u{862D}'));
        // Unified ideographs in the compatibility block have no decomposition.
        assert_eq!(compat_decomposition('\u{FA0E}'), None);
    }
}
